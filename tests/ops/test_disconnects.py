"""A client that leaves mid-request is one quiet line, not a traceback."""

import io
import json
from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI
from uvicorn.protocols.utils import ClientDisconnected

from service.kit.db import Database
from tests.ops.conftest import make_app


def _scope(method: str, path: str, body: bytes = b"") -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"test"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }


async def _gone_while_sending(app: FastAPI, path: str) -> int:
    """Takes the answer's start and first chunk, then leaves as uvicorn reports it."""
    messages = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal messages
        messages += 1
        if messages > 2:
            raise ClientDisconnected

    await app(_scope("GET", path), receive, send)
    return messages


async def _gone_while_asking(app: FastAPI) -> None:
    """Sends half a GraphQL body, then leaves."""

    async def receive() -> dict[str, Any]:
        receive.calls += 1  # type: ignore[attr-defined]
        if receive.calls == 1:  # type: ignore[attr-defined]
            return {"type": "http.request", "body": b'{"query": "{ re', "more_body": True}
        return {"type": "http.disconnect"}

    receive.calls = 0  # type: ignore[attr-defined]

    async def send(message: MutableMapping[str, Any]) -> None:
        pass  # as uvicorn does once the client has gone

    await app(_scope("POST", "/graphql", b'{"query": "{ regions { code } }"}'), receive, send)


def _app(db: Database, out: io.StringIO) -> FastAPI:
    app = make_app(db)
    app.state.public_read = True
    out.truncate(0)  # the development key's warning, logged as the app is made
    out.seek(0)
    return app


def _lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_a_client_leaving_an_export_is_one_info_line(
    db: Database, log_lines: io.StringIO
) -> None:
    app = _app(db, log_lines)
    assert await _gone_while_sending(app, "/api/v1/exports/figures.csv") == 3
    lines = _lines(log_lines)
    access = [line for line in lines if line["logger"] == "anju.access"]
    assert [(line["level"], line["message"]) for line in access] == [
        ("INFO", "GET /api/v1/exports/{dataset}.{fmt} 499")
    ]
    assert access[0]["status"] == 499 and access[0]["disconnected"] is True
    # at most the database layer's warning that the cut-off COPY left its connection busy
    others = [(line["level"], line["logger"]) for line in lines if line not in access]
    assert set(others) <= {("WARNING", "service.kit.db")}
    assert "exc_info" not in log_lines.getvalue()


async def test_a_client_leaving_before_its_body_is_read_is_one_info_line(
    db: Database, log_lines: io.StringIO
) -> None:
    app = _app(db, log_lines)
    await _gone_while_asking(app)
    lines = _lines(log_lines)
    assert [(line["level"], line["message"]) for line in lines] == [("INFO", "POST /graphql 499")]
    assert "exc_info" not in log_lines.getvalue()
