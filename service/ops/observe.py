"""One ASGI middleware sees every request: it settles the request id, and once the
answer is sent it observes the metrics, writes the access log line and keeps the
access record. A plain ASGI middleware (no BaseHTTPMiddleware) so that it costs little.

It also follows the ASGI lifespan: the access records' ticker starts once the app has
started, and the last batch is written when shutdown begins, before the app's own
shutdown closes the database pool."""

import ipaddress
import logging
import time
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.accesslog.recorder import AccessRecorder
from service.accesslog.schemas import AccessRecord, Door
from service.accesslog.touched import rest_touched
from service.auth.principal import Principal
from service.ops import logs, metrics, request_ids
from service.ops.disconnects import CLIENT_CLOSED, DISCONNECTS
from service.ops.graphql_calls import STATE_KEY, GraphQLCall

# Requests of other systems, which the access log keeps; not /healthz, /metrics, /docs.
RECORDED_PREFIXES = ("/api/", "/graphql")


def _address(scope: Scope) -> str | None:
    client = scope.get("client")
    if not client:
        return None
    try:
        return str(ipaddress.ip_address(client[0]))
    except ValueError:
        return None


def route_template(scope: Scope) -> str:
    """The template of the route that served the request (/api/v1/regions/{code}), never
    the raw path. FastAPI keeps the full template of an included route (with the
    include's prefix) in its own scope entry; the route's own path lacks that prefix."""
    effective = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(effective, "path_format", None) or getattr(scope.get("route"), "path", None)
    return template if isinstance(template, str) and template else metrics.UNMATCHED


class RequestObserver:
    def __init__(
        self, app: ASGIApp, *, recorder: AccessRecorder, metrics_recorder: metrics.Recorder
    ) -> None:
        self.app = app
        self.recorder = recorder
        self.metrics = metrics_recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        at = datetime.now(UTC)
        start = time.perf_counter()
        sent = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        rid = request_ids.accepted(sent.decode("latin-1") if sent is not None else None)
        scope.setdefault("state", {})["request_id"] = rid
        token = logs.REQUEST_ID.set(rid)
        status = 500  # unless an answer starts: the app raised

        disconnected = False

        complete = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, disconnected, complete
            if message["type"] == "http.response.body" and not message.get("more_body"):
                complete = True
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            try:
                await send(message)
            except DISCONNECTS:
                disconnected = True
                raise

        async def receive_noting_leave() -> Message:
            nonlocal disconnected
            message = await receive()
            # after the whole answer, servers say "disconnect" to any further receive
            left = message["type"] == "http.disconnect" and not complete
            disconnected = disconnected or left
            return message

        try:
            await self.app(scope, receive_noting_leave, send_with_id)
        except Exception as error:
            # Nobody left to answer: the access line says so, with no traceback. What the
            # leaving caused (a COPY cut off, its transaction then unusable) is part of it.
            if not (disconnected or isinstance(error, DISCONNECTS)):
                raise
            disconnected = True
        finally:
            if disconnected:  # whatever was answered, nobody received it
                status = CLIENT_CLOSED
            try:
                seconds = time.perf_counter() - start
                self._observe(scope, at, seconds, status, rid, disconnected=disconnected)
            finally:
                logs.REQUEST_ID.reset(token)

    def _observe(
        self,
        scope: Scope,
        at: datetime,
        seconds: float,
        status: int,
        rid: str,
        *,
        disconnected: bool = False,
    ) -> None:
        state: dict[str, Any] = scope["state"]
        template = route_template(scope)
        method: str = scope["method"]
        call: GraphQLCall | None = state.get(STATE_KEY)
        principal: Principal | None = state.get("principal")
        self.metrics.request(
            method, template, status, seconds, (call.kind, call.name) if call else None
        )
        self.metrics.sample_pools(getattr(scope["app"].state, "db", None))
        duration_ms = round(seconds * 1000, 1)
        if logs.ACCESS.isEnabledFor(logging.INFO):
            logs.ACCESS.info(
                "%s %s %d",
                method,
                template,
                status,
                extra={
                    "request_id": rid,
                    "method": method,
                    "route": template,
                    "status": status,
                    "duration_ms": duration_ms,
                    "principal": principal.subject if principal else None,
                    **({"operation": call.operation} if call else {}),
                    **({"disconnected": True} if disconnected else {}),
                },
            )
        if scope["path"].startswith(RECORDED_PREFIXES):
            record = _record(scope, template, principal, call, at, seconds, status, rid)
            self.recorder.record(record)

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def receive_shutdown_first() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.recorder.stop()
                metrics.process_exited()
            return message

        async def send_started(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                self.recorder.start()
            await send(message)

        await self.app(scope, receive_shutdown_first, send_started)


def _record(
    scope: Scope,
    template: str,
    principal: Principal | None,
    call: GraphQLCall | None,
    at: datetime,
    seconds: float,
    status: int,
    rid: str,
) -> AccessRecord:
    """Who (principal, address) called what (operation, regions, datasets), how it ended."""
    if call is not None:
        door, operation, touched = Door.GRAPHQL, call.operation, call.touched
    else:
        endpoint = getattr(scope.get("route"), "endpoint", None)
        touched = rest_touched(
            getattr(endpoint, "__module__", None),
            scope.get("path_params", {}),
            scope.get("query_string", b""),
        )
        door = Door.GRAPHQL if template == "/graphql" else Door.REST
        operation = f"{scope['method']} {template}"
    return AccessRecord(
        at=at,
        principal=principal.subject if principal else None,
        acting_region=principal.region_code if principal else None,
        address=_address(scope),
        door=door,
        operation=operation,
        status=status,
        request_id=rid,
        duration_ms=round(seconds * 1000),
        root_fields=touched.root_fields,
        regions=touched.regions,
        data=touched.data,
    )
