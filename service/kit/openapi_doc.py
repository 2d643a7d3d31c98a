"""The OpenAPI document as a generated client needs it: every response typed.

FastAPI puts an error's model under `application/json` and leaves the media type the
service really sends, `application/problem+json`, without a schema; files come without
one too. Here every problem schema moves to its real media type, files are typed as
strings, paginated lists declare their `Link` header, and every GET has its HEAD."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from service.kit.openapi_head import add_head_operations
from service.kit.rest import PROBLEM_JSON

_LINK = {
    "description": 'Neighbouring pages (RFC 8288): rel="next" and rel="prev" when they exist',
    "schema": {"type": "string"},
}


def _typed(content: dict[str, Any]) -> dict[str, Any]:
    if PROBLEM_JSON in content and "schema" in content.get("application/json", {}):
        # problems are only ever sent as application/problem+json
        return {PROBLEM_JSON: content["application/json"]}
    typed = {}
    for media, spec in content.items():
        if "schema" not in spec:
            text = media.startswith("text/")
            spec = {**spec, "schema": {"type": "string"} | ({} if text else {"format": "binary"})}
        typed[media] = spec
    return typed


def _is_page(response: dict[str, Any]) -> bool:
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
    return isinstance(ref, str) and ref.rsplit("/", 1)[-1].startswith("PageOut")


def tidy(document: dict[str, Any]) -> dict[str, Any]:
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if "content" in response:
                    response["content"] = _typed(response["content"])
                if status == "200" and _is_page(response):
                    response.setdefault("headers", {})["Link"] = _LINK
    return add_head_operations(document)


def install_openapi(app: FastAPI) -> None:
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = tidy(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
