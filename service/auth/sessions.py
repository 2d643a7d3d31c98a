"""Write transactions that act as the caller: both doors open them through here."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request

from service.auth.dependencies import CurrentPrincipal, Reader
from service.auth.principal import Principal
from service.config import get_settings
from service.kit.db import Database, Session


@asynccontextmanager
async def write_session(
    database: Database, principal: Principal, request_id: str | None
) -> AsyncIterator[Session]:
    """A transaction as the non-owner write role with the caller's claims set, so that
    row-level security checks the same rules as the service."""
    async with database.write_session(
        get_settings().write_role, **principal.rls_claims(), request_id=request_id
    ) as session:
        yield session


def request_id(request: Request) -> str | None:
    value: str | None = getattr(request.state, "request_id", None)
    return value


async def _write_db(request: Request, principal: CurrentPrincipal) -> AsyncIterator[Session]:
    async with write_session(request.app.state.db, principal, request_id(request)) as session:
        yield session


# scope="function": the transaction commits (or rolls back) before the answer is sent,
# so a caller who got its 200 reads its own write, and a failed commit is no 200.
WriteDb = Annotated[Session, Depends(_write_db, scope="function")]


async def _read_db(request: Request, principal: Reader) -> AsyncIterator[Session]:
    database: Database = request.app.state.db
    async with database.session(readonly=True) as session:
        yield session


# A consistent snapshot for one request's reads, for a caller with the read scope.
ReadDb = Annotated[Session, Depends(_read_db)]
