"""Answers that are never stale: a server-side response cache keyed by the data version,
HTTP validators (ETag, Last-Modified) with 304s, and compression."""
