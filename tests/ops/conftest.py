"""Apps whose operators' parts the tests reach: the access recorder, the ASGI lifespan."""

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Iterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from service.accesslog.recorder import AccessRecorder
from service.app import create_app
from service.auth.principal import Scope
from service.kit.db import Database
from service.ops import logs
from tests.apps import client_of
from tests.auth.tokens import bearer, token_for, use_test_keys
from tests.conftest import _copy

READER = bearer(token_for("360000", Scope.FIGURES_READ, subject="test-reader"))
AUDITOR = bearer(token_for("360000", Scope.AUDIT_READ, subject="test-auditor"))


def make_app(database: Database | None) -> FastAPI:
    app = create_app(database)
    use_test_keys(app)
    return app


@pytest.fixture
def app(db: Database) -> FastAPI:
    """The app on the shared demo database (read-only tests)."""
    return make_app(db)


@pytest.fixture
def wapp(wdb: Database) -> FastAPI:
    """The app on the test's own copy of the demo database (tests that record access)."""
    return make_app(wdb)


@pytest.fixture
async def ops_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(app) as c:
        yield c


@pytest.fixture
async def wops_client(wapp: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(wapp) as c:
        yield c


def recorder(app: FastAPI) -> AccessRecorder:
    found: AccessRecorder = app.state.access_log
    return found


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs the app's ASGI lifespan as a server does: startup, then shutdown on exit."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, outbox.put)
    )
    await inbox.put({"type": "lifespan.startup"})
    started = await outbox.get()
    assert started["type"] == "lifespan.startup.complete", started
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        stopped = await outbox.get()
        assert stopped["type"] == "lifespan.shutdown.complete", stopped
        await task


def metric(text: str, sample: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 if absent)."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


@pytest.fixture
async def wurl(server_url: str, template_name: str) -> AsyncIterator[str]:
    """The URL of the test's own copy of the demo database (for apps that open their pool)."""
    async for url in _copy(server_url, template_name):
        yield url


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged during the test, as `anju serve` writes it (DEBUG and up)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    out = io.StringIO()
    logs.configure("DEBUG", out)
    try:
        yield out
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
