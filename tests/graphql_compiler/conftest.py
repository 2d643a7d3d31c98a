"""Two apps on the shared demo database: one with compiled reads, one without."""

from collections.abc import AsyncIterator

import httpx
import pytest

from service.kit.db import Database
from tests.graphql_compiler.apps import app_client


@pytest.fixture
async def compiled(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db, compile=True) as client:
        yield client


@pytest.fixture
async def ordinary(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db, compile=False) as client:
        yield client
