"""Apps with the response cache under test, and what a test looks into."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from service.cache.store import ResponseStore
from service.kit.db import Database


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
