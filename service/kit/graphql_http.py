"""The GraphQL-over-HTTP specification's media type, `application/graphql-response+json`.

A client that accepts it gets it, with the status codes the specification gives: a
request that never reached execution (a document that does not parse or validate,
variables that do not coerce) is a 400 without a `data` entry, so that a generic client,
a proxy or a cache tells a bad request from an answer without reading the body. Clients
that ask only for `application/json` keep the 200 of the older convention.
"""

from contextvars import ContextVar
from typing import Any

from fastapi import Request, Response
from starlette.websockets import WebSocket
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types.unset import UNSET

GRAPHQL_RESPONSE = "application/graphql-response+json"

# Whether the request being answered accepts the media type (run and create_response
# run in the request's task).
_accepted: ContextVar[bool] = ContextVar("graphql_response_accepted", default=False)


def accepts_graphql_response(accept: str | None) -> bool:
    for part in (accept or "").split(","):
        media, *parameters = (p.strip() for p in part.split(";"))
        if media.lower() != GRAPHQL_RESPONSE:
            continue
        quality = next((p[2:] for p in parameters if p.lower().startswith("q=")), "1")
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


def is_request_error(response: GraphQLHTTPResponse) -> bool:
    """No execution happened: no data, and no error points into a result (errors raised
    while executing carry the `path` of their field)."""
    errors: list[dict[str, Any]] = list(response.get("errors") or [])  # type: ignore[arg-type]
    return response.get("data") is None and bool(errors) and all("path" not in e for e in errors)


class GraphQLOverHTTPRouter(GraphQLRouter[Any, Any]):
    async def run(
        self,
        request: Request | WebSocket,
        context: Any = UNSET,
        root_value: Any = UNSET,
    ) -> Any:
        wanted = isinstance(request, Request) and accepts_graphql_response(
            request.headers.get("accept")
        )
        token = _accepted.set(wanted)
        try:
            return await super().run(request, context, root_value)
        finally:
            _accepted.reset(token)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        if not _accepted.get() or isinstance(response_data, list):
            return super().create_response(response_data, sub_response)
        if is_request_error(response_data):
            response_data = {k: v for k, v in response_data.items() if k != "data"}  # type: ignore[assignment]
            if sub_response.status_code in (None, 200):
                sub_response.status_code = 400
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        return response
