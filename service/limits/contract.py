"""How the limits' refusals appear in the OpenAPI contract, on every route."""

from typing import Any

from service.kit.rest import PROBLEM_JSON, Problem


class LimitProblem(Problem):
    """A refusal by a limit: which one, and its value."""

    limit: str
    limit_value: int
    retry_after: int | None = None


LIMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {
        "model": LimitProblem,
        "content": {PROBLEM_JSON: {}},
        "description": "The request body exceeds max_body_bytes (uploads: max_upload_body_bytes)",
    },
    429: {
        "model": LimitProblem,
        "content": {PROBLEM_JSON: {}},
        "description": "The caller's rate limit is spent; retry after Retry-After seconds",
        "headers": {
            "Retry-After": {
                "description": "Seconds until the budget renews",
                "schema": {"type": "integer"},
            }
        },
    },
}
