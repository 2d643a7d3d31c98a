"""HEAD in the OpenAPI document: every GET answers HEAD (service.kit.head_requests), so
the contract lists a HEAD operation beside each GET, with the GET's parameters, statuses
and headers and no body, under an operation id of its own (`getRegion` → `headRegion`,
`listFigures` → `headListFigures`) that a generated client can use as a method name."""

from typing import Any

_DESCRIPTION = (
    "The GET's status and headers (Content-Length, ETag, Last-Modified, Link) without its"
    " body (RFC 9110 §9.3.2): a cheap check whether something exists or changed."
)


def head_operation_id(get_id: str) -> str:
    rest = get_id.removeprefix("get")
    return "head" + rest[:1].upper() + rest[1:]


def _head(get: dict[str, Any]) -> dict[str, Any]:
    head = {key: value for key, value in get.items() if key not in ("requestBody", "description")}
    head["operationId"] = head_operation_id(get["operationId"])
    head["summary"] = f"{get.get('summary', '')} (headers only)".lstrip()
    head["description"] = _DESCRIPTION
    head["responses"] = {
        status: {key: value for key, value in response.items() if key != "content"}
        for status, response in get.get("responses", {}).items()
    }
    return head


def add_head_operations(document: dict[str, Any]) -> dict[str, Any]:
    for operations in document.get("paths", {}).values():
        if "get" in operations and "head" not in operations:
            operations["head"] = _head(operations["get"])
    return document
