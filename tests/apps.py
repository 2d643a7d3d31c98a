"""Apps and in-process clients the test folders share."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from service.app import create_app
from service.config import Settings
from service.kit.db import Database
from tests.auth.tokens import use_test_keys


def public_app(database: Database, **settings: Any) -> FastAPI:
    """The app with `settings`, accepting test tokens; public read on, as on the demo;
    rate limits off unless given."""
    values: dict[str, Any] = {
        "rate_limit_reads": 0,
        "rate_limit_writes": 0,
        "rate_limit_anonymous_reads": 0,
        **settings,
    }
    app = create_app(database, Settings(**values))
    use_test_keys(app, public_read=True)
    return app


@asynccontextmanager
async def client_of(
    app: FastAPI, headers: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client calling `app` in process, sending `headers` with every request."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=headers or {}
    ) as client:
        yield client
