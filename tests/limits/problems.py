"""The problem bodies the limits answer with."""

from typing import Any

LIMIT_EXCEEDED = "https://anju.exchange/problems/limit-exceeded"


def limit_problem(limit: str, value: int, detail: str, status: int = 400) -> dict[str, Any]:
    return {
        "type": LIMIT_EXCEEDED,
        "title": "Request exceeds a limit",
        "status": status,
        "detail": detail,
        "code": "limit-exceeded",
        "limit": limit,
        "limit_value": value,
    }


def refused(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The problems of a GraphQL answer that ran nothing."""
    assert body["data"] is None
    problems = [dict(e["extensions"]) for e in body["errors"]]
    # GraphQL's own label beside the problem: a refusal is the caller's to fix
    assert {p.pop("classification", None) for p in problems} <= {"BAD_USER_INPUT", None}
    return problems
