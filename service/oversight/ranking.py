"""Completion rankings of one level of regions (排名通报), and the laggards among them."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

from service.catalogue import service as catalogue
from service.catalogue.schemas import Indicator
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import InvalidInput
from service.kit.years import check_year
from service.oversight import store
from service.oversight.compare import plain
from service.oversight.schemas import (
    Laggard,
    LaggardReason,
    LaggardReasonKind,
    Laggards,
    Ranking,
    RankingQuery,
    Standing,
)
from service.regions import service as regions
from service.regions.schemas import RegionLevel

FULL = Decimal(100)
_DEPTH = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}


async def _validate(db: Session, q: RankingQuery) -> Indicator:
    check_year(q.year)
    parent = await regions.get(db, q.parent)
    if _DEPTH[q.level] <= _DEPTH[parent.level]:
        raise InvalidInput(
            "level", f"{parent.name} ({parent.level.value}) has no {q.level.value} regions below it"
        )
    return await catalogue.indicator(db, q.indicator)


async def ranking(db: Session, q: RankingQuery) -> Ranking:
    """Regions of the level below `parent` with a target, by completion rate, best first.

    A region with a target but no actual counts as 0%: not reporting is not completing.
    The rate is compared exactly (as a fraction), so only equal rates share a rank.
    """
    await _validate(db, q)
    return await _rank(db, q)


async def _rank(db: Session, q: RankingQuery) -> Ranking:
    level = await regions.descendants(db, q.parent, q.level)
    rows = {
        r["region_code"]: r
        for r in await store.completion(db, [r.code for r in level], q.indicator, q.year)
    }
    rated: list[tuple[Fraction, Standing]] = []
    unranked: list[str] = []
    for region in level:
        row = rows.get(region.code)
        target: Decimal | None = plain(row["target"]) if row and row["target"] is not None else None
        if target is None or target == 0:
            unranked.append(region.code)  # nothing assigned: nothing to complete
            continue
        actual: Decimal | None = plain(row["actual"]) if row and row["actual"] is not None else None
        done = actual if actual is not None else Decimal(0)
        rate = percent(done, target)
        assert rate is not None
        standing = Standing(
            rank=0,
            region_code=region.code,
            region_name=region.name,
            target=target,
            actual=actual,
            completion_rate=rate,
        )
        rated.append((Fraction(done) / Fraction(target), standing))
    rated.sort(key=lambda x: (-x[0], x[1].region_code))
    standings: list[Standing] = []
    for n, (rate_exact, standing) in enumerate(rated):
        tied = n > 0 and rate_exact == rated[n - 1][0]
        standing.rank = standings[-1].rank if tied else n + 1  # ties share: 1, 2, 2, 4
        standings.append(standing)
    return Ranking(
        parent=q.parent,
        level=q.level,
        indicator=q.indicator,
        year=q.year,
        standings=standings,
        unranked=unranked,
    )


async def laggards(
    db: Session, q: RankingQuery, *, below: Decimal | None, as_of: date | None
) -> Laggards:
    """Regions below a completion rate, or behind a milestone of the plan as of a date.

    A milestone applies to the indicators of its programme and phase, for the year of
    the plan that set it, in the plan's region and below; a region is behind it when it
    was due on or before `as_of` and the region's rate is under the required rate
    (100% when the plan names none).
    """
    if below is None and as_of is None:
        raise InvalidInput("below", "give a rate (below) or a date (as_of), or both")
    if below is not None and not (below.is_finite() and Decimal(0) <= below):
        raise InvalidInput("below", f"must be a percentage of at least 0, got {below}")
    indicator = await _validate(db, q)
    ranked = await _rank(db, q)

    due: dict[str, list[LaggardReason]] = defaultdict(list)
    if as_of is not None:
        codes = [s.region_code for s in ranked.standings]
        for m in await store.milestones_due(
            db, codes, indicator.programme, indicator.phase.value, q.year, as_of
        ):
            due[m["region_code"]].append(
                LaggardReason(
                    kind=LaggardReasonKind.BEHIND_MILESTONE,
                    required_rate=m["required_rate"] if m["required_rate"] is not None else FULL,
                    milestone_id=m["id"],
                    due_on=m["due_on"],
                    scope_zh=m["scope_zh"],
                )
            )

    found: list[Laggard] = []
    for s in ranked.standings:
        rate = Fraction(s.actual or 0) * 100 / Fraction(s.target)
        reasons = [r for r in due[s.region_code] if rate < Fraction(r.required_rate)]
        if below is not None and rate < Fraction(below):
            reasons.insert(
                0,
                LaggardReason(
                    kind=LaggardReasonKind.BELOW_RATE,
                    required_rate=below,
                    milestone_id=None,
                    due_on=None,
                    scope_zh=None,
                ),
            )
        if reasons:
            found.append(Laggard(**s.model_dump(), reasons=reasons))
    found.sort(
        key=lambda laggard: (-laggard.rank, laggard.region_code)
    )  # the furthest behind first
    return Laggards(
        parent=q.parent,
        level=q.level,
        indicator=q.indicator,
        year=q.year,
        below=below,
        as_of=as_of,
        laggards=found,
    )
