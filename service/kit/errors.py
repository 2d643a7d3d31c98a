"""One error base that knows its HTTP status and its RFC 9457 problem-details body.

Domain errors subclass it next to the service that raises them; REST renders
`problem()` as application/problem+json, GraphQL puts it in the error's extensions.
"""

from typing import Any, ClassVar

PROBLEM_BASE = "https://anju.exchange/problems/"


class ProblemError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the body (Retry-After, …)."""
        return {}

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.field is not None:
            body["field"] = self.field
        if instance is not None:
            body["instance"] = instance
        body.update(self.extra)
        return body


class NotFound(ProblemError):
    status = 404
    code = "not-found"
    title = "Not found"


class InvalidInput(ProblemError):
    status = 422
    code = "invalid-input"
    title = "Invalid input"

    def __init__(self, field: str, detail: str, **extra: Any) -> None:
        super().__init__(f"{field}: {detail}", field=field, **extra)


class Forbidden(ProblemError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Conflict(ProblemError):
    """Another write came first (lost-update guard)."""

    status = 409
    code = "conflict"
    title = "Conflict"


class PreconditionFailed(Conflict):
    """REST's If-Match did not match the current ETag."""

    status = 412
    code = "precondition-failed"
    title = "Precondition failed"


class LimitExceeded(ProblemError):
    """A request asks for more than one request may cost; names the limit and its value."""

    status = 400
    code = "limit-exceeded"
    title = "Request exceeds a limit"

    def __init__(self, limit: str, value: int | float, detail: str, *, status: int = 400) -> None:
        super().__init__(detail, limit=limit, limit_value=value)
        self.status = status  # type: ignore[misc]


class _RetryLater(ProblemError):
    def __init__(self, detail: str, *, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **extra)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class TooManyRequests(_RetryLater):
    status = 429
    code = "rate-limited"
    title = "Too many requests"


class Unavailable(_RetryLater):
    """The database is unreachable, busy past a timeout, or a lock was not granted in time."""

    status = 503
    code = "unavailable"
    title = "Service unavailable"
