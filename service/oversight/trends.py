"""A region's figures across years: per indicator, each year's rate and the change."""

from collections import defaultdict
from decimal import Decimal

import asyncpg

from service.catalogue import service as catalogue
from service.catalogue.schemas import UNIT_NAMES_ZH, Unit
from service.config import get_settings
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import InvalidInput
from service.kit.years import check_year
from service.oversight import store
from service.oversight.compare import plain
from service.oversight.schemas import Trend, TrendPoint, Trends
from service.regions import service as regions


async def trends(
    db: Session, code: str, first: int, last: int, indicator: str | None = None
) -> Trends:
    """Every indicator the region has in the years (or one), in one statement."""
    check_year(first)
    check_year(last)
    if last < first:
        raise InvalidInput("to", f"must not be before from ({first}), got {last}")
    widest = get_settings().max_trend_years
    if last - first + 1 > widest:
        raise InvalidInput("to", f"a trend spans at most {widest} years, got {last - first + 1}")
    region = await regions.get(db, code)
    if indicator is not None:
        await catalogue.indicator(db, indicator)
    rows = await store.figure_parts(db, [region.code], first, last, indicator)
    return Trends(
        region_code=region.code,
        region_name=region.name,
        first_year=first,
        last_year=last,
        trends=_trends(rows),
    )


def _trends(rows: list[asyncpg.Record]) -> list[Trend]:
    # rows come ordered by indicator, then year
    years: dict[str, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    names: dict[str, tuple[str, str]] = {}
    for r in rows:
        years[r["indicator"]][r["year"]][r["kind"]] = plain(r["value"])
        names[r["indicator"]] = (r["indicator_zh"], UNIT_NAMES_ZH[Unit(r["unit"])])
    found = []
    for indicator, by_year in years.items():
        points: list[TrendPoint] = []
        previous: Decimal | None = None
        for year in sorted(by_year):
            target, actual = by_year[year].get("TARGET"), by_year[year].get("ACTUAL")
            # a change needs both years' actuals, and next to each other: a gap is no change
            before = previous if points and points[-1].year == year - 1 else None
            change = actual - before if actual is not None and before is not None else None
            points.append(
                TrendPoint(
                    year=year,
                    target=target,
                    actual=actual,
                    rate=percent(actual, target),  # None: no actual, or no target
                    change=change,
                    change_rate=percent(change, before),
                )
            )
            previous = actual
        found.append(
            Trend(
                indicator=indicator,
                name_zh=names[indicator][0],
                unit_zh=names[indicator][1],
                points=points,
            )
        )
    return found
