"""JSON logs: one object per line, with the request id of the request being served.

Nothing secret reaches a line: the access log names the route template (never the
query string or a header), and every line is scrubbed of bearer tokens, JWTs and the
passwords of connection URLs before it is written, whatever a library put in it."""

import logging
import re
import sys
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

# Set by the request observer for the time a request is served.
REQUEST_ID: ContextVar[str | None] = ContextVar("anju_request_id", default=None)

ACCESS = logging.getLogger("anju.access")

_SECRETS = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    # a JWT anywhere (three base64url parts, the first one a JSON header)
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[redacted-jwt]"),
    # postgresql://user:password@host → postgresql://user:[redacted]@host
    (re.compile(r"(://[^:/@\s]*):[^@\s/]*@"), r"\1:[redacted]@"),
    (re.compile(r"(?i)\b(password|passwd|pwd)=[^\s&;'\"]+"), r"\1=[redacted]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request it was logged for (if any)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class RedactingJsonFormatter(JsonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def json_formatter() -> RedactingJsonFormatter:
    return RedactingJsonFormatter(
        "%(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        json_ensure_ascii=False,
    )


def configure(level: str, stream: TextIO | None = None) -> None:
    """JSON lines on stderr for the service and the server (uvicorn) alike; the server's
    own access log is off, the service writes one line per request itself."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
