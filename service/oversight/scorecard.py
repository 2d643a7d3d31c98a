"""A region's scorecard: every measure it has in a year, ranked among its siblings."""

from datetime import date
from decimal import Decimal

from service.config import get_settings
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.years import check_year
from service.oversight import measures, store
from service.oversight.measures import MeasureCode, laggard_below
from service.oversight.ranking import milestone_reasons, rank, reasons
from service.oversight.schemas import LaggardReason, MeasureFamily, Scorecard, ScorecardEntry
from service.regions import service as regions


async def scorecard(db: Session, code: str, year: int, as_of: date | None = None) -> Scorecard:
    """Value, target, rate, rank among the parent's regions of its level, and whether it
    lags and why: under the measure's laggard rate (settings), or behind a milestone of
    a plan due by `as_of` (the year's end unless given). A fixed number of statements:
    the siblings' measures are read together."""
    check_year(year)
    settings = get_settings()
    region = await regions.get(db, code)
    siblings = (
        await regions.children(db, region.parent_code, region.level)
        if region.parent_code
        else [region]
    )
    due_by = as_of or date(year, 12, 31)
    readings = await measures.read(db, [s.code for s in siblings], year)
    catalogue = {m.code: m for m in await measures.catalogue_of(db, settings)}
    due = milestone_reasons(await store.milestones_due(db, [region.code], year, due_by))

    entries: list[ScorecardEntry] = []
    for measure, info in catalogue.items():
        reading = readings.get(measure, {}).get(region.code)
        if reading is None:
            continue
        standings, _ = rank(siblings, readings[measure])
        mine = next(((e, s) for e, s in standings if s.region_code == region.code), None)
        family = MeasureCode.parse(measure).family
        why: list[LaggardReason] = []
        if mine is not None:
            milestones = (
                due.get((region.code, reading.programme or "", reading.phase or ""), [])
                if family is MeasureFamily.FIGURE
                else []
            )
            why = reasons(mine[0] * 100, laggard_below(settings, family), milestones)
        entries.append(
            ScorecardEntry(
                measure=measure,
                family=family,
                name_zh=info.name_zh,
                unit_zh=info.unit_zh,
                value=reading.value,
                target=reading.base,
                rate=percent(reading.value or Decimal(0), reading.base),
                rank=mine[1].rank if mine else None,
                ranked=len(standings),
                laggard=bool(why),
                reasons=why,
                value_sources=reading.value_sources,
                target_sources=reading.base_sources,
            )
        )
    return Scorecard(
        region_code=region.code,
        region_name=region.name,
        parent_code=region.parent_code,
        year=year,
        as_of=due_by,
        entries=entries,
    )
