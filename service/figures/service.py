"""Figure reads shared by both doors: filters validated once, completion rates derived."""

from collections import defaultdict
from collections.abc import Iterable

import asyncpg

from service.catalogue import service as catalogue
from service.catalogue.schemas import Indicator, Unit
from service.figures import store
from service.figures.schemas import Figure, FigureFilter, FigureKind, FigureValue, Source
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import InvalidInput
from service.kit.pagination import Page, PageRequest
from service.regions import service as regions

YEARS = range(1990, 2101)


async def validate(db: Session, flt: FigureFilter) -> None:
    if flt.year is not None and flt.year not in YEARS:
        raise InvalidInput(
            "year", f"must be between {YEARS.start} and {YEARS.stop - 1}, got {flt.year}"
        )
    if flt.indicator is not None:
        await catalogue.indicator(db, flt.indicator)


async def for_region(
    db: Session, code: str, flt: FigureFilter, page: PageRequest, *, descendants: bool = False
) -> Page[Figure]:
    codes = (
        await regions.subtree_codes(db, code)
        if descendants
        else [(await regions.get(db, code)).code]
    )
    await validate(db, flt)
    rows = await store.page(db, codes, flt, page.limit, page.offset, per_region=False)
    items = assemble(rows.rows)
    total = rows.totals.get(None) or (await store.count(db, codes, flt) if page.offset else 0)
    return Page(items, total, page.limit, page.offset)


async def for_regions(
    db: Session, codes: list[str], flt: FigureFilter, page: PageRequest
) -> dict[str, Page[Figure]]:
    """One page per region in a fixed number of statements: the nested-read batch."""
    rows = await store.page(db, codes, flt, page.limit, page.offset, per_region=True)
    by_region: dict[str, list[asyncpg.Record]] = defaultdict(list)
    for row in rows.rows:
        by_region[row["region_code"]].append(row)
    return {
        code: Page(
            assemble(by_region.get(code, [])), rows.totals.get(code, 0), page.limit, page.offset
        )
        for code in codes
    }


def assemble(rows: Iterable[asyncpg.Record]) -> list[Figure]:
    """Fold the rows of one (region, year, indicator) into one Figure, keeping row order."""
    groups: dict[tuple[str, int, int], list[asyncpg.Record]] = {}
    for row in rows:
        groups.setdefault((row["region_code"], row["year"], row["indicator_id"]), []).append(row)
    return [_figure(group) for group in groups.values()]


def _figure(rows: list[asyncpg.Record]) -> Figure:
    first = rows[0]
    values = [
        FigureValue(
            kind=FigureKind(r["kind"]),
            value=r["value"],
            revision=r["revision"],
            updated_at=r["updated_at"],
            source=Source(
                document_number=r["document_number"], annex=r["annex"], line=r["source_line"]
            ),
        )
        for r in rows
    ]
    by_kind = {v.kind: v.value for v in values}
    target, actual = by_kind.get(FigureKind.TARGET), by_kind.get(FigureKind.ACTUAL)
    return Figure(
        region_code=first["region_code"],
        year=first["year"],
        indicator=Indicator(
            id=first["indicator_id"],
            code=first["indicator_code"],
            programme=first["programme_code"],
            programme_zh=first["programme_zh"],
            phase=first["phase"],
            unit=first["unit"],
            breakdown=first["breakdown"],
            breakdown_zh=first["breakdown_zh"],
            name_zh=first["indicator_zh"],
        ),
        unit=Unit(first["unit"]),
        target=target,
        actual=actual,
        supplementary_target=by_kind.get(FigureKind.SUPPLEMENTARY_TARGET),
        completion_rate=percent(actual, target),
        last_changed=max(v.updated_at for v in values),
        values=values,
    )
