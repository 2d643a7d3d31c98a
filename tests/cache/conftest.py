"""Apps with the response cache under test, and what a test looks into."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from service.app import create_app
from service.cache.store import ResponseStore
from service.config import Settings
from service.kit.db import Database
from tests.auth.tokens import use_test_keys


def make_app(database: Database, **settings: Any) -> FastAPI:
    """Public read on, as on the demo; rate limits off unless given."""
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
async def client_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def store_of(app: FastAPI) -> ResponseStore:
    store: ResponseStore | None = app.state.response_store
    assert store is not None
    return store


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL the routes send meanwhile (the cache's own version read is bookkeeping,
    not observed, like the rate-limit counter's)."""
    sent: list[str] = []

    def observe(sql: str) -> None:
        if not sql.startswith(("BEGIN", "COMMIT")):
            sent.append(sql)

    database.observers.append(observe)
    try:
        yield sent
    finally:
        database.observers.remove(observe)
