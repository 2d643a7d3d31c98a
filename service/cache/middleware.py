"""Pure ASGI: answers reads from the response store when the data version says nothing
changed, adds validators (ETag, Last-Modified) and their 304s to GETs, and compresses.

It sits innermost, under the request observer (which records a hit in the access log as
it would the route's answer), read routing (the version is read where the reads go) and
the body limits (a GraphQL body is read here only once it passed them). A request it
answers from the store is still rate limited: it charges the read budget itself and
notes so; the route's dependency does not charge again, and answers a refusal.
"""

import json
from collections.abc import Hashable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.auth.principal import ANONYMOUS, Principal
from service.cache import encoding, validators
from service.cache import version as data_version
from service.cache.requests import GRAPHQL, STREAMED, GraphQLReads, Read, reader_class, rest_read
from service.cache.store import Entry, ResponseStore
from service.kit.errors import ProblemError, TooManyRequests
from service.limits.rates import CHARGED, RateLimiter
from service.ops.graphql_calls import STATE_KEY

PREFIXES = ("/api/", GRAPHQL)
# Private: an answer depends on the caller's token. no-cache: a client (or a proxy it
# runs) may keep it but asks again each time, which costs a 304 when nothing changed —
# an answer is then never stale, which a max-age could not promise.
CACHE_CONTROL = b"private, no-cache"
VARY_GET = b"Authorization, Accept-Encoding"
# Days the service's defaults depend on (as_of: today, in Beijing): part of every key.
_BEIJING = timezone(timedelta(hours=8))
# Scope entries the routing sets, which the request observer reads (route template,
# the route's module, path parameters)
_ROUTED = ("route", "endpoint", "path_params")


class Captured:
    """An answer as the app sent it."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [(k.lower(), v) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


class ResponseCaching:
    def __init__(
        self,
        app: ASGIApp,
        *,
        store: ResponseStore | None,
        graphql: GraphQLReads,
        min_compress_bytes: int,
        settle_seconds: float,
    ) -> None:
        self.app = app
        self.settle_seconds = settle_seconds
        self.store = store
        self.graphql = graphql
        self.min_compress_bytes = min_compress_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(PREFIXES) or path.startswith(STREAMED):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        headers = Headers(scope=scope)
        read: Read | None = None
        if self.store is not None:
            if method == "GET" and path.rstrip("/") == GRAPHQL:
                read = self.graphql.from_get(scope["query_string"], headers.get("accept"))
            elif method == "GET":
                read = rest_read(path, scope["query_string"])
            elif method == "POST" and path.rstrip("/") == GRAPHQL and _json(headers):
                # a body that is not declared JSON is the app's to refuse (415), not a hit
                body = await _whole_body(receive)
                receive = _replay(body, receive)
                read = self.graphql.from_post(body, headers.get("accept"))
        if read is not None and await self._cached(scope, receive, send, read, headers):
            return
        await self._passed_through(scope, receive, send, headers, conditional=method == "GET")

    async def _cached(
        self, scope: Scope, receive: Receive, send: Send, read: Read, headers: Headers
    ) -> bool:
        """Answer `read` from the store, or through the app and then keep it. False when
        the app should answer as if there were no cache (no valid caller, no version)."""
        assert self.store is not None
        app = scope["app"]
        principal = await _caller(app, headers)
        if principal is None:
            return False  # the route refuses the token the way it always does
        state: dict[str, Any] = scope.setdefault("state", {})
        state["principal"] = principal
        limiter: RateLimiter = app.state.rate_limiter
        try:
            await limiter.charge(app.state.db, principal, _address(scope), write=False)
        except TooManyRequests as error:
            # the route's rate-limit dependency refuses it, as it would have on its own
            state[CHARGED] = error
            return False
        except ProblemError:
            return False  # the database is away: the route answers its 503
        state[CHARGED] = True
        try:
            version = await data_version.read(app.state.db, self.settle_seconds)
        except ProblemError:
            return False
        now = datetime.now(UTC)
        key = (
            read.parts,
            reader_class(principal),
            version.number,
            version.source,
            now.date(),
            now.astimezone(_BEIJING).date(),
        )
        entry = self.store.get(key)
        if entry is not None and entry.own_etag and "if-none-match" in headers:
            return False  # a route with its own ETag checks If-None-Match (and its syntax)
        if entry is None:
            captured = Captured()
            await self.app(scope, receive, captured.send)
            entry = _entry(scope, captured)
            if entry is None:
                await self._answer(
                    send, captured.status, captured.headers, captured.body, headers, read, None
                )
                return True
            self.store.put(key, entry)
        else:
            scope.update(entry.scope)
            state.update(entry.state)
        await self._answer_entry(send, key, entry, headers, read, version)
        return True

    async def _answer_entry(
        self,
        send: Send,
        key: Hashable,
        entry: Entry,
        request: Headers,
        read: Read,
        version: data_version.DataVersion,
    ) -> None:
        headers = list(entry.headers)
        if read.conditional:
            headers += _validators(headers, entry.etag, version)
            if _not_modified(request, entry.etag, version):
                await _send_304(send, headers)
                return
        coding = self._coding(headers, entry.body, request)
        body = self.store.variant(key, entry, coding) if self.store else entry.body
        await _send(
            send, 200, _encoded(headers, coding, len(entry.body) >= self.min_compress_bytes), body
        )

    async def _passed_through(
        self, scope: Scope, receive: Receive, send: Send, request: Headers, *, conditional: bool
    ) -> None:
        """Not from the store: a GET still gets its ETag and 304, and a one-piece answer
        is compressed. An answer in several pieces (a stream) goes out as it comes."""
        start: Message | None = None

        async def one_piece(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            if message.get("more_body", False):
                await send(start)
                start = None
                await send(message)
                return
            begun, start = start, None
            headers = [(k.lower(), v) for k, v in begun.get("headers", [])]
            read = Read((), conditional=conditional)
            await self._answer(
                send, begun["status"], headers, message.get("body", b""), request, read, None
            )

        await self.app(scope, receive, one_piece)

    async def _answer(
        self,
        send: Send,
        status: int,
        app_headers: list[tuple[bytes, bytes]],
        body: bytes,
        request: Headers,
        read: Read,
        version: data_version.DataVersion | None,
    ) -> None:
        if status in (204, 304):  # no body to validate or compress (a route's own 304)
            await send({"type": "http.response.start", "status": status, "headers": app_headers})
            await send({"type": "http.response.body", "body": body})
            return
        headers = [(k, v) for k, v in app_headers if k != b"content-length"]
        if read.conditional and status == 200:
            etag = _header(headers, b"etag")
            tag = etag.decode("latin-1") if etag else validators.weak_etag(body)
            headers += _validators(headers, tag, version)
            if _not_modified(request, tag, version):
                await _send_304(send, headers)
                return
        large = len(body) >= self.min_compress_bytes
        coding = self._coding(headers, body, request)
        if coding != encoding.IDENTITY:
            body = encoding.compress(body, coding)
        await _send(send, status, _encoded(headers, coding, large), body)

    def _coding(self, headers: list[tuple[bytes, bytes]], body: bytes, request: Headers) -> str:
        if (
            len(body) < self.min_compress_bytes
            or _header(headers, b"content-encoding") is not None
            or not encoding.compressible(_header(headers, b"content-type"))
        ):
            return encoding.IDENTITY
        return encoding.accepted(request.get("accept-encoding"))


def _entry(scope: Scope, captured: Captured) -> Entry | None:
    """What the store keeps of an answer: a 200, and for GraphQL one without errors (a
    field's refusal or a timeout is not the data's answer)."""
    if captured.status != 200:
        return None
    body = captured.body
    if scope["path"].rstrip("/") == GRAPHQL and _has_errors(body):
        return None
    headers = [(k, v) for k, v in captured.headers if k != b"content-length"]
    etag = _header(headers, b"etag")
    routed = {k: scope[k] for k in _ROUTED if k in scope}
    effective = scope.get("fastapi", {}).get("effective_route_context")
    if effective is not None:
        routed["fastapi"] = {"effective_route_context": effective}
    state = {k: v for k, v in scope.get("state", {}).items() if k == STATE_KEY}
    return Entry(
        body=body,
        headers=headers,
        etag=etag.decode("latin-1") if etag else validators.weak_etag(body),
        own_etag=etag is not None,
        scope=routed,
        state=state,
    )


def _has_errors(body: bytes) -> bool:
    try:
        answer = json.loads(body)
    except ValueError:
        return True
    return not isinstance(answer, dict) or "errors" in answer


async def _caller(app: Any, headers: Headers) -> Principal | None:
    """The caller as the route would see it; None when the route would refuse it."""
    authorization = headers.get("authorization")
    if authorization is None:
        return ANONYMOUS if getattr(app.state, "public_read", False) else None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        principal: Principal = await run_in_threadpool(app.state.verifier.verify, token.strip())
    except Exception:
        return None
    return principal


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((v for k, v in headers if k == name), None)


def _validators(
    headers: list[tuple[bytes, bytes]], etag: str, version: data_version.DataVersion | None
) -> list[tuple[bytes, bytes]]:
    """ETag (unless the route has its own), Last-Modified from the data version (unless
    the route has its own), Cache-Control and Vary."""
    added: list[tuple[bytes, bytes]] = []
    if _header(headers, b"etag") is None:
        added.append((b"etag", etag.encode("latin-1")))
    if version is not None and version.settled and _header(headers, b"last-modified") is None:
        when = validators.last_modified(version.committed_at, datetime.now(UTC))
        added.append((b"last-modified", validators.http_date(when).encode()))
    if _header(headers, b"cache-control") is None:
        added.append((b"cache-control", CACHE_CONTROL))
    added.append((b"vary", VARY_GET))
    return added


def _not_modified(request: Headers, etag: str, version: data_version.DataVersion | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only
    without it."""
    none_match = request.get("if-none-match")
    if none_match is not None:
        return validators.none_match(none_match, etag)
    since = request.get("if-modified-since")
    return (
        since is not None
        and version is not None
        and version.settled
        and validators.not_modified_since(since, version.committed_at)
    )


def _encoded(
    headers: list[tuple[bytes, bytes]], coding: str, varies: bool
) -> list[tuple[bytes, bytes]]:
    out = list(headers)
    if coding != encoding.IDENTITY:
        out.append((b"content-encoding", coding.encode()))
    if varies and not any(k == b"vary" for k, _ in out):
        out.append((b"vary", b"Accept-Encoding"))
    return out


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


_KEPT_ON_304 = (b"etag", b"last-modified", b"cache-control", b"vary", b"content-location")


async def _send_304(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    kept = [(k, v) for k, v in headers if k in _KEPT_ON_304]
    await send({"type": "http.response.start", "status": 304, "headers": kept})
    await send({"type": "http.response.body", "body": b""})


async def _whole_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, then: Receive) -> Receive:
    """The body read already, in one piece; then the client's own messages (disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await then()

    return receive


def _json(headers: Headers) -> bool:
    return (headers.get("content-type") or "").split(";")[0].strip().lower() == "application/json"
