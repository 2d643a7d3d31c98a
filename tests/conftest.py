"""A real PostgreSQL for the whole test session: the embedded server, two databases.

- `empty`: migrated, catalogue loaded, no documents (importer and loader tests);
- `demo`: the shipped seed documents loaded, as `anju serve` would have it.
Tests touching either run inside a transaction that is rolled back.
"""

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from service import bootstrap
from service.app import create_app
from service.auth.principal import Scope
from service.kit.db import Database, start_embedded
from tests.apps import client_of
from tests.auth.tokens import bearer, token_for, use_test_keys

# Rate limits would charge every test's requests to one shared budget; the tests in
# tests/limits build their apps with the limits they check.
for _budget in ("READS", "WRITES", "ANONYMOUS_READS"):
    os.environ.setdefault(f"ANJU_RATE_LIMIT_{_budget}", "0")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def _with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


@pytest.fixture(scope="session")
def server_url() -> str:
    if url := os.environ.get("ANJU_TEST_DATABASE_URL"):
        return url
    # Not pytest's tmp_path: the server runs as its own system user when we are root,
    # and pytest's folders are private to us.
    folder = Path(tempfile.mkdtemp(prefix="anju-test-pg-"))
    folder.chmod(0o755)
    atexit.register(shutil.rmtree, folder, True)  # runs after the server's own cleanup
    return start_embedded(folder, throwaway=True)


async def _create_database(server_url: str, *, template: str | None = None) -> tuple[str, str]:
    name = f"anju_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server_url)
    try:
        copy = f' template "{template}"' if template else ""
        await admin.execute(f'create database "{name}"{copy}')
    finally:
        await admin.close()
    return name, _with_database(server_url, name)


async def _drop_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'drop database "{name}" with (force)')
    finally:
        await admin.close()


async def _prepared(server_url: str, *, seed: bool) -> AsyncIterator[tuple[str, str]]:
    name, url = await _create_database(server_url)
    conn = await asyncpg.connect(url)
    try:
        await bootstrap.prepare(conn, seed=seed)
    finally:
        await conn.close()
    try:
        yield name, url
    finally:
        await _drop_database(server_url, name)


@pytest.fixture(scope="session")
async def empty_url(server_url: str) -> AsyncIterator[str]:
    async for _, url in _prepared(server_url, seed=False):
        yield url


@pytest.fixture(scope="session")
async def template_name(server_url: str) -> AsyncIterator[str]:
    """The seeded database, never connected to after seeding: copied for each use."""
    async for name, _ in _prepared(server_url, seed=True):
        yield name


async def _copy(server_url: str, template: str) -> AsyncIterator[str]:
    name, url = await _create_database(server_url, template=template)
    try:
        yield url
    finally:
        await _drop_database(server_url, name)


@pytest.fixture(scope="session")
async def demo_url(server_url: str, template_name: str) -> AsyncIterator[str]:
    """The seeded database that read-only tests share."""
    async for url in _copy(server_url, template_name):
        yield url


async def _rolled_back(url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(url)
    tx = conn.transaction()
    await tx.start()
    try:
        yield conn
    finally:
        await tx.rollback()
        await conn.close()


@pytest.fixture
async def conn(empty_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the migrated, document-free database; rolled back after the test."""
    async for c in _rolled_back(empty_url):
        yield c


@pytest.fixture
async def demo_conn(demo_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the seeded database; rolled back after the test."""
    async for c in _rolled_back(demo_url):
        yield c


@pytest.fixture(scope="session")
async def db(demo_url: str) -> AsyncIterator[Database]:
    database = await Database.connect(demo_url, max_size=4)
    try:
        yield database
    finally:
        await database.close()


@asynccontextmanager
async def _client(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(database)
    use_test_keys(app)
    headers = bearer(token_for("360000", Scope.FIGURES_READ, subject="test-reader"))
    async with client_of(app, headers) as c:
        yield c


@pytest.fixture
async def client(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the shared demo database, accepting the test key's tokens. Every request
    carries a read-only token unless the test passes its own headers. Read-only tests."""
    async with _client(db) as c:
        yield c


async def _copied_database(server_url: str, template: str) -> AsyncIterator[Database]:
    """A fresh copy of the seeded database, connected; dropped afterwards."""
    async for url in _copy(server_url, template):
        database = await Database.connect(url, max_size=4)
        try:
            yield database
        finally:
            await database.close()


@pytest.fixture
async def wurl(server_url: str, template_name: str) -> AsyncIterator[str]:
    """The URL of a fresh copy of the seeded database, for a test that connects its own way."""
    async for url in _copy(server_url, template_name):
        yield url


@pytest.fixture
async def wdb(server_url: str, template_name: str) -> AsyncIterator[Database]:
    """A fresh copy of the seeded database for one test that writes."""
    async for database in _copied_database(server_url, template_name):
        yield database


@pytest.fixture
async def wclient(wdb: Database) -> AsyncIterator[httpx.AsyncClient]:
    """Like `client`, on the test's own copy of the seeded database (`wdb`)."""
    async with _client(wdb) as c:
        yield c
