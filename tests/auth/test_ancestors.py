"""The policy table's region tree is the catalogue's (needs the test database)."""

import asyncpg

from service.kit.db import Session
from service.regions import store
from tests.auth.test_policy import ANCESTORS


async def test_ancestors_of_matches_the_catalogue(conn: asyncpg.Connection) -> None:
    db = Session(conn)
    for code, expected in ANCESTORS.items():
        assert await store.ancestors_of(db, code) == expected
    assert await store.ancestors_of(db, "999999") == []
