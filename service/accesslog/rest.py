"""REST door to the access log: read-only, for auditors."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from service.accesslog import service
from service.accesslog.schemas import AccessEntry, AccessFilter
from service.auth.dependencies import AuditReader
from service.kit.db import Database, Session
from service.kit.rest import PROBLEM_JSON, PROBLEM_RESPONSES, PageOut, PageParams, Problem

_REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "No valid token"},
    403: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Not an auditor"},
}

router = APIRouter(tags=["access-log"], responses={**PROBLEM_RESPONSES, **_REFUSED})


async def _audit_db(request: Request, auditor: AuditReader) -> AsyncIterator[Session]:
    """A read snapshot for an auditor (who may hold no figures:read)."""
    database: Database = request.app.state.db
    async with database.session(readonly=True) as session:
        yield session


AuditDb = Annotated[Session, Depends(_audit_db)]


@router.get(
    "/access-log",
    summary="Who read what: every request of another system, newest first (auditors only)",
)
async def list_access_log(
    db: AuditDb,
    page: PageParams,
    principal: Annotated[str | None, Query(description="A token subject, or 'anonymous'")] = None,
    region: Annotated[str | None, Query(description="Requests that named this region code")] = None,
    since: Annotated[
        datetime | None, Query(alias="from", description="From this time on (ISO 8601; UTC)")
    ] = None,
    until: Annotated[
        datetime | None, Query(alias="to", description="Before this time (ISO 8601; UTC)")
    ] = None,
) -> PageOut[AccessEntry]:
    flt = AccessFilter(principal=principal, region=region, since=since, until=until)
    return PageOut.of(await service.entries(db, flt, page))
