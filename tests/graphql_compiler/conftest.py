"""Two apps on the shared demo database: one with compiled reads, one without."""

from collections.abc import AsyncIterator

import httpx
import pytest

from service.app import create_app
from service.auth.principal import Scope
from service.config import Settings
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for, use_test_keys


def app_client(db: Database, *, compile: bool) -> httpx.AsyncClient:
    app = create_app(db, Settings(graphql_compile=compile))
    use_test_keys(app)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


READER = bearer(token_for("360000", Scope.FIGURES_READ, subject="test-reader"))


@pytest.fixture
async def compiled(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db, compile=True) as client:
        yield client


@pytest.fixture
async def ordinary(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db, compile=False) as client:
        yield client
