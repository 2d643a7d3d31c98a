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
