"""Apps with the limits under test, on the shared demo database or a test's own copy."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from service.app import create_app
from service.config import Settings
from service.kit.db import Database
from tests.auth.tokens import use_test_keys

AppClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@asynccontextmanager
async def app_client(
    database: Database, headers: dict[str, str] | None = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with `settings` (rate limits off unless given), accepting test tokens;
    public read on, as on the demo."""
    values: dict[str, Any] = {
        "rate_limit_reads": 0,
        "rate_limit_writes": 0,
        "rate_limit_anonymous_reads": 0,
        **settings,
    }
    app = create_app(database, Settings(**values))
    use_test_keys(app, public_read=True)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=headers or {}
    ) as client:
        yield client


@pytest.fixture
def limited(db: Database) -> AppClient:
    """`async with limited(**settings) as client:` on the shared demo database."""

    def make(**settings: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return app_client(db, **settings)

    return make
