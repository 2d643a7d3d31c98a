"""JSON logs: one object per line, with the request id of the request being served.

Nothing secret reaches a line: the access log names the route template (never the
query string or a header), and every line is scrubbed of bearer tokens, JWTs and the
passwords of connection URLs before it is written, whatever a library put in it."""

import logging
import logging.config
import re
from contextvars import ContextVar
from typing import Any, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
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
        # uvicorn's copy of a message with terminal colours
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
    )


def dict_config(level: str, stream: Any = "ext://sys.stderr") -> dict[str, Any]:
    """JSON lines for the service and the server (uvicorn) alike, as a `logging.config`
    dictionary (uvicorn's `log_config`: every worker process applies it). The server's
    own access log is off: the service writes one line per request itself."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "service.ops.logs.RequestIdFilter"}},
        "formatters": {"json": {"()": "service.ops.logs.json_formatter"}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "stream": stream,
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["json"]},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }


def configure(level: str, stream: TextIO | None = None) -> None:
    logging.config.dictConfig(dict_config(level, stream or "ext://sys.stderr"))
