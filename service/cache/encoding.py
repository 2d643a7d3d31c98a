"""Content codings: which one a caller accepts (Accept-Encoding, RFC 9110 §12.5.3), and
the compression itself."""

import gzip

import brotli

IDENTITY = "identity"
# preferred first: brotli is smaller than gzip for JSON at a similar cost
CODINGS = ("br", "gzip")
# quality 5 / level 6: most of the gain, a fraction of brotli's maximum (11) cost
_BROTLI_QUALITY = 5
_GZIP_LEVEL = 6
# what is worth compressing: text, not files that are compressed already (xlsx)
COMPRESSIBLE = (b"application/json", b"application/problem+json", b"text/")


def accepted(header: str | None) -> str:
    """The best coding among ours that `header` allows (q > 0); identity otherwise."""
    if not header:
        return IDENTITY
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.strip().lower()] = q
    star = weights.get("*", 0.0)
    best = max(CODINGS, key=lambda c: weights.get(c, star))
    return best if weights.get(best, star) > 0 else IDENTITY


def compressible(content_type: bytes | None) -> bool:
    return content_type is not None and content_type.lower().startswith(COMPRESSIBLE)


def compress(body: bytes, coding: str) -> bytes:
    if coding == "br":
        return bytes(brotli.compress(body, quality=_BROTLI_QUALITY))
    if coding == "gzip":
        return gzip.compress(body, compresslevel=_GZIP_LEVEL, mtime=0)
    raise ValueError(coding)
