"""HTTP validators (RFC 9110 §8.8, §13.1): a weak ETag from the body, Last-Modified
from the data version, and whether a conditional GET gets a 304."""

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def weak_etag(body: bytes) -> str:
    """Weak: the same for every content coding of the body (they are equivalent)."""
    return f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _opaque(tag: str) -> str:
    """The opaque tag without its weakness, for the weak comparison."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def none_match(header: str, etag: str) -> bool:
    """If-None-Match fails (a 304) when any listed tag weakly matches, or for `*`."""
    wanted = _opaque(etag)
    return any(t.strip() == "*" or _opaque(t) == wanted for t in header.split(","))


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def last_modified(committed_at: datetime, now: datetime) -> datetime:
    """Never later than the answer's own time (RFC 9110 §8.8.2.1), whatever the clock
    of the database that stamped it."""
    return min(committed_at, now.replace(microsecond=0))


def not_modified_since(header: str, committed_at: datetime) -> bool:
    """If-Modified-Since fails (a 304) when the data have not changed after that date.
    Asked of a settled version only: every write after it is stamped a later second, so
    a date equal to its Last-Modified is exact."""
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False  # an invalid date is ignored (RFC 9110 §13.1.3)
    if since.tzinfo is None:
        return False
    return committed_at <= since
