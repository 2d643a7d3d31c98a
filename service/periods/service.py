"""Moves of reporting periods, and the lock certified periods put on ACTUAL figures."""

from service.auth import policy
from service.auth.principal import Principal
from service.kit.db import Session
from service.kit.errors import Conflict
from service.kit.writes import check_reason
from service.kit.years import check_year
from service.periods import store
from service.periods.schemas import Period, PeriodChange, PeriodMove, PeriodStatus
from service.regions import service as regions
from service.regions import store as regions_store

# move → (the statuses it may start from, the status it leads to)
TRANSITIONS: dict[PeriodMove, tuple[frozenset[PeriodStatus], PeriodStatus]] = {
    PeriodMove.SUBMIT: (frozenset({PeriodStatus.DRAFT}), PeriodStatus.SUBMITTED),
    PeriodMove.CERTIFY: (frozenset({PeriodStatus.SUBMITTED}), PeriodStatus.CERTIFIED),
    PeriodMove.REOPEN: (
        frozenset({PeriodStatus.SUBMITTED, PeriodStatus.CERTIFIED}),
        PeriodStatus.DRAFT,
    ),
}


class PeriodConflict(Conflict):
    code = "period-conflict"
    title = "The period is not in a state that allows this"


class PeriodLocked(Conflict):
    code = "period-certified"
    title = "The reporting period is certified"

    def __init__(self, region_code: str, year: int, *, field: str | None = None) -> None:
        super().__init__(
            f"the {year} period of {region_code} is certified; a region above it must"
            " reopen it before its figures change",
            field=field,
        )


async def get(db: Session, region_code: str, year: int) -> Period:
    await regions.get(db, region_code)
    check_year(year)
    row = await store.status(db, region_code, year)
    history = [
        PeriodChange.model_validate(dict(r)) for r in await store.history(db, region_code, year)
    ]
    return Period(
        region_code=region_code,
        year=year,
        status=PeriodStatus(row["status"]) if row else PeriodStatus.DRAFT,
        updated_at=row["updated_at"] if row else None,
        history=history,
    )


async def move(
    db: Session, principal: Principal, region_code: str, year: int, move: PeriodMove, reason: str
) -> Period:
    """Submit (the region itself), certify or reopen (a region above it)."""
    reason = check_reason(reason)
    period = await get(db, region_code, year)
    if move is PeriodMove.SUBMIT:
        policy.ensure_can_report_actual(principal, region_code)
    else:
        ancestors = (await regions_store.ancestors(db, [region_code]))[region_code]
        policy.ensure_can_certify_period(principal, region_code, ancestors)
    allowed_from, to = TRANSITIONS[move]
    if period.status not in allowed_from:
        raise PeriodConflict(
            f"cannot {move.value.lower()} the {year} period of {region_code}: it is"
            f" {period.status.value}",
            field="status",
            status_now=period.status.value,
        )
    await db.set_claims(reason=reason)
    await store.set_status(db, region_code, year, to.value)
    return await get(db, region_code, year)
