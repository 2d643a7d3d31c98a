"""Rankings of one level of regions by a measure (排名通报), and the laggards among them."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction

import asyncpg

from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import InvalidInput
from service.kit.years import check_year
from service.oversight import measures, store
from service.oversight.measures import MeasureCode, Reading
from service.oversight.schemas import (
    Laggard,
    LaggardReason,
    LaggardReasonKind,
    Laggards,
    MeasureFamily,
    Ranking,
    RankingQuery,
    Standing,
)
from service.regions import service as regions
from service.regions.schemas import Region, RegionLevel

FULL = Decimal(100)
_DEPTH = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}


def measure_of(q: RankingQuery) -> MeasureCode:
    if (q.measure is None) == (q.indicator is None):
        raise InvalidInput("measure", "give a measure, or an indicator for its figure measure")
    if q.measure is not None:
        return MeasureCode.parse(q.measure)
    assert q.indicator is not None
    return MeasureCode(MeasureFamily.FIGURE, q.indicator)


async def _validate(db: Session, q: RankingQuery) -> MeasureCode:
    check_year(q.year)
    code = measure_of(q)
    parent = await regions.get(db, q.parent)
    if _DEPTH[q.level] <= _DEPTH[parent.level]:
        raise InvalidInput(
            "level", f"{parent.name} ({parent.level.value}) has no {q.level.value} regions below it"
        )
    await measures.validate(db, code)
    return code


async def ranking(db: Session, q: RankingQuery) -> Ranking:
    """Regions of the level below `parent` with a base (target, funds, credit, findings), by
    rate, best first. A base with nothing achieved counts as 0%: not reporting is not
    completing. Rates are compared exactly (as fractions), so only equal rates tie."""
    code = await _validate(db, q)
    standings, unranked, _ = await _rank(db, q, code)
    return Ranking(
        parent=q.parent,
        level=q.level,
        measure=str(code),
        indicator=_indicator(code),
        year=q.year,
        standings=[s for _, s in standings],
        unranked=unranked,
    )


def _indicator(code: MeasureCode) -> str | None:
    return code.key if code.family is MeasureFamily.FIGURE else None


async def _rank(
    db: Session, q: RankingQuery, code: MeasureCode
) -> tuple[list[tuple[Fraction, Standing]], list[str], dict[str, Reading]]:
    level = await regions.descendants(db, q.parent, q.level)
    readings = (await measures.read(db, [r.code for r in level], q.year, code)).get(str(code), {})
    standings, unranked = rank(level, readings)
    return standings, unranked, readings


def rank(
    regions_of_level: Iterable[Region], readings: dict[str, Reading]
) -> tuple[list[tuple[Fraction, Standing]], list[str]]:
    """Standings best first with their exact rates, and the regions without a base."""
    rated: list[tuple[Fraction, Standing]] = []
    unranked: list[str] = []
    for region in regions_of_level:
        reading = readings.get(region.code)
        if reading is None or not reading.base:
            unranked.append(region.code)  # nothing assigned: nothing to complete
            continue
        done = reading.value if reading.value is not None else Decimal(0)
        rate = percent(done, reading.base)
        assert rate is not None
        standing = Standing(
            rank=0,
            region_code=region.code,
            region_name=region.name,
            target=reading.base,
            actual=reading.value,
            completion_rate=rate,
        )
        rated.append((Fraction(done) / Fraction(reading.base), standing))
    rated.sort(key=lambda x: (-x[0], x[1].region_code))
    for n, (exact, standing) in enumerate(rated):
        tied = n > 0 and exact == rated[n - 1][0]
        standing.rank = rated[n - 1][1].rank if tied else n + 1  # ties share: 1, 2, 2, 4
    return rated, unranked


def milestone_reasons(
    rows: Iterable[asyncpg.Record],
) -> dict[tuple[str, str, str], list[LaggardReason]]:
    """(region, programme, phase) → the milestones due (store.milestones_due rows)."""
    due: dict[tuple[str, str, str], list[LaggardReason]] = defaultdict(list)
    for m in rows:
        due[(m["region_code"], m["programme_code"], m["phase"])].append(
            LaggardReason(
                kind=LaggardReasonKind.BEHIND_MILESTONE,
                required_rate=m["required_rate"] if m["required_rate"] is not None else FULL,
                milestone_id=m["id"],
                due_on=m["due_on"],
                scope_zh=m["scope_zh"],
            )
        )
    return due


def reasons(
    rate: Fraction, below: Decimal | None, milestones: Iterable[LaggardReason]
) -> list[LaggardReason]:
    """Why a region with this exact rate (in percent) lags: under `below`, behind a
    milestone's required rate; empty when it does not."""
    found = [m for m in milestones if rate < Fraction(m.required_rate)]
    if below is not None and rate < Fraction(below):
        found.insert(
            0,
            LaggardReason(
                kind=LaggardReasonKind.BELOW_RATE,
                required_rate=below,
                milestone_id=None,
                due_on=None,
                scope_zh=None,
            ),
        )
    return found


async def laggards(
    db: Session, q: RankingQuery, *, below: Decimal | None, as_of: date | None
) -> Laggards:
    """Regions below a rate, or behind a milestone of the plan as of a date.

    A milestone applies to the indicators of its programme and phase (figure measures
    only: plans set none for funds, loans or rectification), for the year of the plan
    that set it, in the plan's region and below; a region is behind it when it was due
    on or before `as_of` and the region's rate is under the required rate (100% when the
    plan names none).
    """
    if below is None and as_of is None:
        raise InvalidInput("below", "give a rate (below) or a date (as_of), or both")
    if below is not None and not (below.is_finite() and Decimal(0) <= below):
        raise InvalidInput("below", f"must be a percentage of at least 0, got {below}")
    code = await _validate(db, q)
    standings, _, readings = await _rank(db, q, code)

    due: dict[tuple[str, str, str], list[LaggardReason]] = {}
    if as_of is not None and code.family is MeasureFamily.FIGURE and standings:
        first = readings[standings[0][1].region_code]
        assert first.programme is not None and first.phase is not None
        rows = await store.milestones_due(
            db, [s.region_code for _, s in standings], q.year, as_of, first.programme, first.phase
        )
        due = milestone_reasons(rows)

    found: list[Laggard] = []
    for exact, s in standings:
        reading = readings[s.region_code]
        key = (s.region_code, reading.programme or "", reading.phase or "")
        why = reasons(exact * 100, below, due.get(key, []))
        if why:
            found.append(Laggard(**s.model_dump(), reasons=why))
    found.sort(key=lambda laggard: (-laggard.rank, laggard.region_code))  # furthest behind first
    return Laggards(
        parent=q.parent,
        level=q.level,
        measure=str(code),
        indicator=_indicator(code),
        year=q.year,
        below=below,
        as_of=as_of,
        laggards=found,
    )
