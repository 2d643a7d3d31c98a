"""Figure reads shared by both doors: filters validated once, completion rates derived."""

from collections import defaultdict
from collections.abc import Iterable
from functools import partial

import asyncpg

from service.auth import policy
from service.auth.principal import Principal
from service.catalogue import service as catalogue
from service.catalogue.schemas import Indicator, Phase, Unit
from service.figures import pipeline, store
from service.figures.schemas import (
    Figure,
    FigureFilter,
    FigureKind,
    FigureValue,
    FigureWrite,
    Revision,
)
from service.figures.sources import source_of
from service.kit import write_pipeline
from service.kit.db import Session
from service.kit.errors import InvalidInput, NotFound, PreconditionFailed
from service.kit.pagination import Page, PageRequest
from service.kit.records import construct
from service.kit.writes import check_reason
from service.kit.years import check_year
from service.regions import service as regions


async def validate(db: Session, flt: FigureFilter) -> None:
    if flt.year is not None:
        check_year(flt.year)
    if flt.indicator is not None:
        await catalogue.indicator(db, flt.indicator)
    if flt.programme is not None:
        await catalogue.check_programme(db, flt.programme)


async def for_region(
    db: Session, code: str, flt: FigureFilter, page: PageRequest, *, descendants: bool = False
) -> Page[Figure]:
    codes = await regions.codes(db, code, descendants)
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


_KINDS = {kind.value: kind for kind in FigureKind}
_UNITS = {unit.value: unit for unit in Unit}
_PHASES = {phase.value: phase for phase in Phase}


# The rows come typed from the database: the records are built without validation,
# which would cost more than the query on a nested read of a whole province.
def _figure(rows: list[asyncpg.Record]) -> Figure:
    first = rows[0]
    values = [
        construct(
            FigureValue,
            kind=_KINDS[r["kind"]],
            value=r["value"],
            revision=r["revision"],
            updated_at=r["updated_at"],
            source=source_of(r),
        )
        for r in rows
    ]
    by_kind = {v.kind: v.value for v in values}
    unit = _UNITS[first["unit"]]
    return construct(
        Figure,
        region_code=first["region_code"],
        year=first["year"],
        indicator=construct(
            Indicator,
            id=first["indicator_id"],
            code=first["indicator_code"],
            programme=first["programme_code"],
            programme_zh=first["programme_zh"],
            phase=_PHASES[first["phase"]],
            unit=unit,
            breakdown=first["breakdown"],
            breakdown_zh=first["breakdown_zh"],
            name_zh=first["indicator_zh"],
            name_en=first["indicator_en"],
        ),
        unit=unit,
        target=by_kind.get(FigureKind.TARGET),
        actual=by_kind.get(FigureKind.ACTUAL),
        supplementary_target=by_kind.get(FigureKind.SUPPLEMENTARY_TARGET),
        # derived in SQL (store.COMPLETION_RATE), as the compiled GraphQL reads do
        completion_rate=first["completion_rate"],
        last_changed=max(v.updated_at for v in values),
        values=values,
    )


MAX_BATCH = 500


async def write(
    db: Session,
    principal: Principal,
    year: int,
    reason: str,
    items: list[FigureWrite],
    *,
    if_match: str | None = None,
) -> list[Figure]:
    """Write a batch of figure values, all or nothing, as `principal`, through the one
    pipeline: every item checked (access, validation, lost updates) before the first
    row is written, the first problem reported with all of them listed. Row-level
    security checks the access rules again in the database. Revisions and `if_match`
    (REST's If-Match, for a single item) are compared after the figures are locked, so
    of two writers who read the same revision exactly one wins.
    """
    reason = check_reason(reason)
    check_year(year)
    if not items:
        raise InvalidInput("items", "give at least one figure")
    if len(items) > MAX_BATCH:
        raise InvalidInput("items", f"at most {MAX_BATCH} figures in one batch, got {len(items)}")
    for item in items:
        policy.require_scope(principal, policy.scope_for_figure(item.kind))
    matches = None if if_match is None else partial(_check_if_match, db, items, year, if_match)
    plan = pipeline.Plan(principal, year, items, reason, matches)
    await write_pipeline.run(db, plan)
    return await written(db, items, year)


async def _check_if_match(db: Session, items: list[FigureWrite], year: int, tags: str) -> None:
    """RFC 9110 If-Match against the figure as it stands now, under the write's lock:
    `*` or a list of strong tags."""
    (item,) = items
    current = await find_one(db, item.region, year, item.indicator)
    wanted = {t.strip() for t in tags.split(",")}
    if current is None or ("*" not in wanted and etag(current) not in wanted):
        raise PreconditionFailed(
            f"{item.indicator} of {item.region} in {year} changed since it was read (If-Match)",
            field="If-Match",
        )


async def written(db: Session, items: list[FigureWrite], year: int) -> list[Figure]:
    """The figures a write touched, as they now stand (a page per region, so a batch
    over many regions cannot push some of them off a single page)."""
    wanted = {(i.region, i.indicator) for i in items}
    indicators = {i for _, i in wanted}
    # one indicator (a single write): its rows only, not the whole year of each region
    only = next(iter(indicators)) if len(indicators) == 1 else None
    rows = await store.page(
        db,
        sorted({r for r, _ in wanted}),
        FigureFilter(year=year, indicator=only),
        MAX_BATCH,
        0,
        per_region=True,
    )
    return [f for f in assemble(rows.rows) if (f.region_code, f.indicator.code) in wanted]


async def find_one(db: Session, region: str, year: int, indicator: str) -> Figure | None:
    """One figure (all its kinds), if there is any value of it."""
    flt = FigureFilter(year=year, indicator=indicator)
    page = await for_region(db, region, flt, PageRequest(1, 0))
    return page.items[0] if page.items else None


async def one(db: Session, region: str, year: int, indicator: str) -> Figure:
    """One figure, or a not-found naming what was asked for."""
    figure = await find_one(db, region, year, indicator)
    if figure is None:
        raise FigureNotFound(region, year, indicator)
    return figure


def etag(figure: Figure) -> str:
    """Changes whenever any value of the figure changes."""
    revisions = {v.kind.value: v.revision for v in figure.values}
    return etag_of(figure.region_code, figure.year, figure.indicator.code, revisions)


def etag_of(region: str, year: int, indicator: str, revisions: dict[str, int]) -> str:
    """`etag` from the revision of each kind (kind name → revision)."""
    parts = ".".join(f"{kind[0]}{revisions[kind]}" for kind in sorted(revisions))
    return f'"{region}-{year}-{indicator}-{parts}"'


class FigureNotFound(NotFound):
    code = "figure-not-found"
    title = "No such figure"

    def __init__(self, region: str, year: int, indicator: str) -> None:
        super().__init__(f"no figure {indicator} for {region} in {year}", field="indicator")


async def history(db: Session, region: str, year: int, indicator: str) -> list[Revision]:
    await regions.get(db, region)
    await catalogue.indicator(db, indicator)
    return [
        Revision(
            region_code=r["region_code"],
            year=r["year"],
            indicator=r["indicator"],
            kind=FigureKind(r["kind"]),
            revision=r["revision"],
            old_value=r["old_value"],
            value=r["value"],
            changed_at=r["changed_at"],
            principal=r["principal"],
            acting_region=r["acting_region"],
            reason=r["reason"],
            request_id=r["request_id"],
            source=source_of(r),
        )
        for r in await store.history(db, region, year, indicator)
    ]
