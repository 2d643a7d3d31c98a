"""Read-your-writes over HTTP: a write answers with the WAL position of its commit, and a
read that sends it back is served by the replica only once the replica has replayed it."""

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.kit import replicas
from service.kit.errors import InvalidInput

# answered by a write: the LSN after its commit
LSN_HEADER = "X-Anju-LSN"
# sent by a reader that must see that write
MIN_LSN_HEADER = "X-Anju-Min-LSN"
# answered by a read: which server took it (primary or replica)
READ_FROM_HEADER = "X-Anju-Read-From"


class RouteReads:
    """Pure ASGI (no extra task per request, as a `BaseHTTPMiddleware` would make): the
    request's routing state lives in this task's context for the whole answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        min_lsn = Headers(scope=scope).get(MIN_LSN_HEADER)
        if min_lsn is not None and not replicas.is_lsn(min_lsn):
            error = InvalidInput(MIN_LSN_HEADER, f"{min_lsn!r} is no LSN (like 0/16B3748)")
            response = JSONResponse(
                error.problem(instance=scope["path"]),
                status_code=error.status,
                media_type="application/problem+json",
            )
            await response(scope, receive, send)
            return
        with replicas.routed(min_lsn) as routing:

            async def send_with_routing(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = MutableHeaders(scope=message)
                    if routing.lsn:
                        headers[LSN_HEADER] = routing.lsn
                    if routing.source:
                        headers[READ_FROM_HEADER] = routing.source
                await send(message)

            await self.app(scope, receive, send_with_routing)
