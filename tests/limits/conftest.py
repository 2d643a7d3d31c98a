"""Apps with the limits under test, on the shared demo database or a test's own copy."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from service.kit.db import Database
from tests.apps import client_of, public_app

AppClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@asynccontextmanager
async def app_client(
    database: Database, headers: dict[str, str] | None = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with `settings` (rate limits off unless given), accepting test tokens;
    public read on, as on the demo."""
    async with client_of(public_app(database, **settings), headers) as client:
        yield client


@pytest.fixture
def limited(db: Database) -> AppClient:
    """`async with limited(**settings) as client:` on the shared demo database."""

    def make(**settings: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return app_client(db, **settings)

    return make
