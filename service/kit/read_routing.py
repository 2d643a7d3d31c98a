"""Read-your-writes over HTTP: a write answers with the WAL position of its commit, and a
read that sends it back is served by the replica only once the replica has replayed it."""

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.middleware.base import RequestResponseEndpoint

from service.kit import replicas
from service.kit.errors import InvalidInput

# answered by a write: the LSN after its commit
LSN_HEADER = "X-Anju-LSN"
# sent by a reader that must see that write
MIN_LSN_HEADER = "X-Anju-Min-LSN"
# answered by a read: which server took it (primary or replica)
READ_FROM_HEADER = "X-Anju-Read-From"


async def route_reads(request: Request, call_next: RequestResponseEndpoint) -> Response:
    min_lsn = request.headers.get(MIN_LSN_HEADER)
    if min_lsn is not None and not replicas.is_lsn(min_lsn):
        error = InvalidInput(MIN_LSN_HEADER, f"{min_lsn!r} is no LSN (like 0/16B3748)")
        return JSONResponse(
            error.problem(instance=request.url.path),
            status_code=error.status,
            media_type="application/problem+json",
        )
    with replicas.routed(min_lsn) as routing:
        response = await call_next(request)
    if routing.lsn:
        response.headers[LSN_HEADER] = routing.lsn
    if routing.source:
        response.headers[READ_FROM_HEADER] = routing.source
    return response
