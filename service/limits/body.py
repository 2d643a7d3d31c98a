"""A request body limit for every route, counted as the body streams in: a missing or
lying Content-Length does not help. Pure ASGI, so nothing is buffered here."""

from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.kit.errors import LimitExceeded
from service.kit.rest import PROBLEM_JSON


class _TooLarge(Exception):
    """Aborts the app's read of the body; the 413 has been sent already."""


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, per_path: Mapping[str, int]) -> None:
        """`per_path`: exact paths with their own limit (uploads)."""
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.per_path.get(path, self.max_bytes)
        setting = "max_upload_body_bytes" if path in self.per_path else "max_body_bytes"
        refusal = LimitExceeded(
            setting, limit, f"the request body exceeds {limit} bytes", status=413
        )
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(refusal, path, send)
            return

        received = 0
        responded = False

        async def counted_receive() -> Message:
            nonlocal received, responded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not responded:
                        responded = True
                        await _refuse(refusal, path, send)
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if not responded:  # the app's own answer to the aborted read is dropped
                await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _TooLarge:
            pass
        except Exception:
            if not responded:
                raise


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(refusal: LimitExceeded, path: str, send: Send) -> None:
    response = JSONResponse(
        refusal.problem(instance=path),
        status_code=refusal.status,
        media_type=PROBLEM_JSON,
        headers={"Connection": "close"},
    )
    await send(
        {"type": "http.response.start", "status": refusal.status, "headers": response.raw_headers}
    )
    await send({"type": "http.response.body", "body": response.body})
