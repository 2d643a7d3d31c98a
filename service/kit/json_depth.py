"""JSON bodies nested deeper than a limit are refused before anything parses them: the
parsers recurse, and a body of 100,000 brackets would exhaust the stack (a 500). So are
numbers longer than Python's int() reads, which its json module refuses with a ValueError
that no framework turns into a 4xx."""

import json
import re
import sys
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.kit.errors import LimitExceeded

# Brackets, quotes and escapes: all a depth count needs to look at.
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')
_MAX_DIGITS = sys.get_int_max_str_digits() or 4300
_LONG_DIGITS = re.compile(rb"[0-9]{%d,}" % (_MAX_DIGITS + 1))


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body`, brackets inside strings aside."""
    depth = deepest = 0
    in_string = False
    skip = -1  # the position of a character escaped by a backslash
    for match in _STRUCTURE.finditer(body):
        at, char = match.start(), match.group()
        if at == skip:
            continue
        if in_string:
            if char == b"\\":
                skip = at + 1
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


class JsonDepthLimit:
    """ASGI middleware: a JSON request body deeper than `max_depth` gets a 400 problem."""

    def __init__(self, app: ASGIApp, max_depth: int) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = bytearray()
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        depth = json_depth(bytes(body))
        if depth > self.max_depth:
            error = LimitExceeded(
                "json_depth",
                self.max_depth,
                f"JSON nested {depth} deep; at most {self.max_depth} levels are accepted",
            )
            await _send_problem(send, error.status, error.problem(instance=scope.get("path")))
            return
        if _LONG_DIGITS.search(body) and _unreadable(bytes(body)):
            error = LimitExceeded(
                "json_number_digits",
                _MAX_DIGITS,
                f"a JSON number has more than {_MAX_DIGITS} digits",
            )
            await _send_problem(send, error.status, error.problem(instance=scope.get("path")))
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _unreadable(body: bytes) -> bool:
    """Whether the (shallow) body has a number too long to read; a long run of digits
    inside a string is no number."""
    try:
        json.loads(body)
    except ValueError as error:
        return "digits" in str(error)
    return False


def _is_json(scope: Scope) -> bool:
    """FastAPI reads a body without a content type as JSON too."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media in (b"", b"application/json") or media.endswith(b"+json")
    return True


async def _send_problem(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
