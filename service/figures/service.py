"""Figure reads shared by both doors: filters validated once, completion rates derived."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import asyncpg

from service.auth import policy
from service.auth.principal import Principal
from service.catalogue import service as catalogue
from service.catalogue import store as catalogue_store
from service.catalogue.schemas import UNIT_DECIMALS, UNIT_NAMES_ZH, Indicator, Phase, Unit
from service.figures import store
from service.figures.schemas import (
    Figure,
    FigureFilter,
    FigureKind,
    FigureValue,
    FigureWrite,
    Revision,
    Source,
)
from service.kit.db import Session
from service.kit.decimals import percent
from service.kit.errors import Conflict, InvalidInput, NotFound
from service.kit.pagination import Page, PageRequest
from service.kit.records import construct
from service.kit.writes import check_reason, decimal_places
from service.kit.years import check_year
from service.periods import service as periods
from service.regions import service as regions
from service.regions import store as regions_store


async def validate(db: Session, flt: FigureFilter) -> None:
    if flt.year is not None:
        check_year(flt.year)
    if flt.indicator is not None:
        await catalogue.indicator(db, flt.indicator)


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


def _source(row: asyncpg.Record) -> Source:
    return construct(
        Source,
        document_number=row["document_number"],
        annex=row["annex"],
        line=row["source_line"],
        principal=row["source_principal"],
    )


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
            source=_source(r),
        )
        for r in rows
    ]
    by_kind = {v.kind: v.value for v in values}
    target, actual = by_kind.get(FigureKind.TARGET), by_kind.get(FigureKind.ACTUAL)
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
        ),
        unit=unit,
        target=target,
        actual=actual,
        supplementary_target=by_kind.get(FigureKind.SUPPLEMENTARY_TARGET),
        completion_rate=percent(actual, target),
        last_changed=max(v.updated_at for v in values),
        values=values,
    )


MAX_BATCH = 500


class RevisionConflict(Conflict):
    code = "revision-conflict"
    title = "The figure changed since it was read"


def value_problem(value: Decimal, unit: Unit) -> str | None:
    """What is wrong with a figure's value in `unit`, or None: the one statement of the
    rules, raised by a write and collected per cell by an upload."""
    shown = format(value, "f")  # positional: 1000, never 1E+3
    if not value.is_finite():
        return f"must be a number, got {shown}"
    if value < 0:
        return f"must not be negative, got {shown}"
    if decimal_places(value) > UNIT_DECIMALS[unit]:
        return (
            f"{UNIT_NAMES_ZH[unit]} ({unit.value}) allows {UNIT_DECIMALS[unit]} decimal places,"
            f" got {shown}"
        )
    return None


def _check_value(field: str, value: Decimal, unit: Unit) -> None:
    if (problem := value_problem(value, unit)) is not None:
        raise InvalidInput(field, problem)


async def write(
    db: Session,
    principal: Principal,
    year: int,
    reason: str,
    items: list[FigureWrite],
) -> list[Figure]:
    """Write a batch of figure values, all or nothing, as `principal`.

    Checks (access, validation, lost updates) all run before the first row is written;
    row-level security checks the access rules again in the database.
    """
    reason = check_reason(reason)
    check_year(year)
    if not items:
        raise InvalidInput("items", "give at least one figure")
    if len(items) > MAX_BATCH:
        raise InvalidInput("items", f"at most {MAX_BATCH} figures in one batch, got {len(items)}")
    for item in items:
        policy.require_scope(principal, policy.scope_for_figure(item.kind))

    indicators = {
        i.code: i for i in await catalogue_store.indicators(db, codes=[i.indicator for i in items])
    }
    region_codes = sorted({i.region for i in items})
    known = {r.code for r in await regions_store.by_codes(db, region_codes)}
    ancestors = await regions_store.ancestors(db, region_codes)

    keys: list[store.WriteKey] = []
    for n, item in enumerate(items):
        field = f"items[{n}]"
        if item.region not in known:
            raise InvalidInput(f"{field}.region", f"no region with code '{item.region}'")
        indicator = indicators.get(item.indicator)
        if indicator is None:
            raise InvalidInput(f"{field}.indicator", f"no indicator with code '{item.indicator}'")
        policy.ensure_may_write_figure(principal, item.region, item.kind, ancestors[item.region])
        if item.unit is not None and item.unit != indicator.unit:
            raise InvalidInput(
                f"{field}.unit",
                f"{indicator.code} is counted in {UNIT_NAMES_ZH[indicator.unit]}"
                f" ({indicator.unit.value}), not {item.unit.value}",
            )
        _check_value(f"{field}.value", item.value, indicator.unit)
        key = (item.region, year, indicator.id, item.kind.value)
        if key in keys:
            raise InvalidInput(
                field, f"{item.indicator} {item.kind.value} of {item.region} is given twice"
            )
        keys.append(key)

    actual_items = [(n, i) for n, i in enumerate(items) if i.kind is FigureKind.ACTUAL]
    await periods.ensure_open(
        db, [(i.region, year) for _, i in actual_items], [f"items[{n}]" for n, _ in actual_items]
    )
    if not await store.year_is_planned(db, year):
        raise InvalidInput("year", f"{year} is outside the plan: no targets were assigned for it")

    current = await store.lock(db, keys)
    for n, (item, key) in enumerate(zip(items, keys, strict=True)):
        found = current.get(key, 0)
        if item.expected_revision is not None and item.expected_revision != found:
            raise RevisionConflict(
                f"items[{n}]: expected revision {item.expected_revision} of {item.indicator}"
                f" {item.kind.value} for {item.region}, found {found}",
                field=f"items[{n}].expected_revision",
                current_revision=found,
            )

    await db.set_claims(reason=reason)
    await store.upsert(db, keys, [i.value for i in items], principal.subject)
    return await written(db, items, year)


async def written(db: Session, items: list[FigureWrite], year: int) -> list[Figure]:
    """The figures a write touched, as they now stand (a page per region, so a batch
    over many regions cannot push some of them off a single page)."""
    wanted = {(i.region, i.indicator) for i in items}
    rows = await store.page(
        db,
        sorted({r for r, _ in wanted}),
        FigureFilter(year=year),
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
    parts = ".".join(
        f"{v.kind.value[0]}{v.revision}" for v in sorted(figure.values, key=lambda v: v.kind.value)
    )
    return f'"{figure.region_code}-{figure.year}-{figure.indicator.code}-{parts}"'


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
            source=_source(r),
        )
        for r in await store.history(db, region, year, indicator)
    ]
