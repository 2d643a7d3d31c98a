"""Idempotency-Key: a retried write returns the first result and writes nothing twice."""

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from service.kit.db import Session
from service.kit.errors import InvalidInput


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


async def once(
    db: Session,
    principal: str,
    key: str | None,
    request_hash: str,
    run: Callable[[], Awaitable[Any]],
) -> tuple[bool, Any]:
    """(replayed, body): the stored body when the key was used before, else run's result.

    The key is claimed inside the write's own transaction: a concurrent retry waits on
    it and then sees the committed result; a failed write frees it again.
    """
    if key is None:
        return False, await run()
    if not 1 <= len(key) <= 200:
        raise InvalidInput("Idempotency-Key", "must be 1 to 200 characters")
    claimed = await db.fetchval(
        """insert into idempotency_keys (principal, key, request_hash) values ($1, $2, $3)
           on conflict do nothing returning true""",
        principal,
        key,
        request_hash,
    )
    if not claimed:
        row = await db.fetchrow(
            "select request_hash, response from idempotency_keys where principal = $1 and key = $2",
            principal,
            key,
        )
        assert row is not None
        if row["request_hash"] != request_hash:
            raise InvalidInput("Idempotency-Key", "was already used for a different request")
        return True, json.loads(row["response"])
    body = await run()
    await db.execute(
        "update idempotency_keys set status = 200, response = $3 where principal = $1 and key = $2",
        principal,
        key,
        json.dumps(body),
    )
    return False, body
