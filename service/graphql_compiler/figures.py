"""Figures compiled: `Query.figures`, `Region.figures` and the page, figure, value,
source and indicator under them, on the SQL of service.figures.store (filters, order,
page numbering, completion rate), so that both paths read the same rows."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from service.figures import store
from service.figures.schemas import FigureFilter, FigureKind
from service.graphql_compiler import json_text as j
from service.graphql_compiler.plan import Args, Compiler, Field, builds, builds_columns
from service.graphql_compiler.regions import RegionRow, region_of
from service.kit.pagination import PageRequest
from service.kit.years import check_year
from service.regions.store import subtree_cte

# the columns of a figure (region, year, indicator) in store.page_rows' rows
_FIGURE_COLUMNS = (
    "rn",
    "region_code",
    "year",
    "indicator_id",
    "indicator_code",
    "programme_code",
    "programme_zh",
    "phase",
    "unit",
    "breakdown",
    "breakdown_zh",
    "indicator_zh",
    "indicator_en",
    "completion_rate",
)


@dataclass
class PageRow:
    """A page's figures as rows `g` (one per figure) grouped from value rows `n`."""

    g: str
    n: str
    limit: str
    offset: str
    # the page's total over g, made when asked for: a parameter bound but absent from
    # the statement would have no type
    total_of: Callable[[], str]
    # aggregates over `n` a figure's fields need (its values), named as columns of g
    aggregates: list[str] = field(default_factory=list)

    @cached_property
    def total(self) -> str:
        return self.total_of()

    def aggregate(self, expr: str) -> str:
        name = f"a{len(self.aggregates)}"
        self.aggregates.append(f"{expr} as {name}")
        return f"{self.g}.{name}"


def _page(
    c: Compiler,
    field: Field,
    args: Args,
    regions: str,
    empty_total: Callable[[str], str],
    *,
    per_region: bool = False,
) -> tuple[str, str, str]:
    """The JSON of a FigurePage over the figure rows, those rows, and their alias, for
    the figures of `regions` (a condition on the region code), one page per region or
    one in all; `empty_total` of the offset: the total when the page is empty."""

    def page(a: dict[str, Any]) -> PageRequest:
        return PageRequest.of(a.get("limit"), a.get("offset"))

    def year(a: dict[str, Any]) -> None:
        if a.get("year") is not None:
            check_year(a["year"])

    args.check(page)
    args.check(year)
    # the catalogue checks of service.figures.validate: an unknown code is its error
    if args.given("indicator"):
        c.guards.append(
            f"exists (select 1 from indicators where code = {args.param('indicator', 'text')})"
        )
    if args.given("programme"):
        c.guards.append(
            f"exists (select 1 from programmes where code = {args.param('programme', 'text')})"
        )
    flt = _filter(args)
    limit = args.derived(lambda a: page(a).limit, "bigint")
    offset = args.derived(lambda a: page(a).offset, "bigint")
    g, n = c.alias("g"), c.alias("n")
    row = PageRow(g, n, limit, offset, lambda: f"coalesce(max({g}.total), {empty_total(offset)})")
    body = c.object(field.type, row, field)
    rows = store.page_rows(regions, flt, c.binding, limit, offset, per_region=per_region)
    grouped = ", ".join(f"{n}.{col}" for col in _FIGURE_COLUMNS)
    kinds = ", ".join(
        f"max({n}.value) filter (where {n}.kind = '{k.value}') as {k.value.lower()}"
        for k in FigureKind
    )
    extra = "".join(f", {a}" for a in row.aggregates)
    figures = (
        f"select {grouped}, max({n}.total) as total, max({n}.updated_at) as last_changed,"
        f" {kinds}{extra} from ({rows}) {n} group by {grouped}"
    )
    return body, f"({figures}) {g}", g


@builds("Query", "figures")
def query_figures(c: Compiler, _row: None, field: Field) -> str:
    args = c.args(field)
    code = args.param("region", "text")
    c.guards.append(f"exists (select 1 from regions where code = {code})")
    if args.values.get("descendants"):
        regions = f"= any(array({subtree_cte(f'= {code}')} select code from t))"
    else:
        regions = f"= {code}"

    def empty_total(offset: str) -> str:
        # a page past the end still says how many there are (service.for_region)
        counted = store.count_sql(regions, _filter(args), c.binding)
        return f"case when {offset} > 0 then ({counted}) else 0 end"

    body, figures, _ = _page(c, field, args, regions, empty_total)
    return f"(select {body} from {figures})"


def _filter(args: Args) -> FigureFilter:
    """The filter with the arguments' values to come in place of values."""
    symbols: dict[str, Any] = {
        "year": args.sym("year"),
        "programme": args.sym("programme"),
        "indicator": args.sym("indicator"),
        "kind": args.sym("kind"),
        "as_of": args.sym("asOf"),
    }
    # unvalidated: the store only asks the values for placeholders
    return FigureFilter.model_construct(
        **symbols, certified_only=bool(args.values.get("certified"))
    )


@builds("Region", "figures")
def region_figures(c: Compiler, row: RegionRow, field: Field) -> str:
    # a region's page past its end says 0, as the batched read (service.for_regions) does
    args = c.args(field)
    if row.siblings is None:
        body, figures, _ = _page(c, field, args, f"= {row.code}", lambda _offset: "0")
        return f"(select {body} from {figures})"
    # a region of a list: the pages of the whole list at once, joined to it by code
    r, pages = c.alias("r"), c.alias("p")
    listed = f"= any(array(select {r}.code from regions {r} where {row.siblings(r)}))"
    body, figures, g = _page(c, field, args, listed, lambda _offset: "0", per_region=True)
    row.joins.append(
        f" left join (select {r}.code, {body} as page from regions {r}"
        f" left join {figures} on {g}.region_code = {r}.code"
        f" where {row.siblings(r)} group by {r}.code) {pages} on {pages}.code = {row.code}"
    )
    return f"{pages}.page"


@builds("FigurePage", "items")
def items(c: Compiler, page: PageRow, field: Field) -> str:
    element = c.object(field.type, page, field)
    # a region without figures joins one row of NULLs (batched pages)
    return (
        f"coalesce('[' || string_agg({element}, ',' order by {page.g}.rn)"
        f" filter (where {page.g}.rn is not null) || ']', '[]')"
    )


@builds("FigurePage", "total")
def total(_c: Compiler, page: PageRow, _field: Field) -> str:
    return j.number(page.total)


@builds("FigurePage", "limit")
def limit(_c: Compiler, page: PageRow, _field: Field) -> str:
    return j.number(page.limit)


@builds("FigurePage", "offset")
def offset(_c: Compiler, page: PageRow, _field: Field) -> str:
    return j.number(page.offset)


@builds("FigurePage", "nextOffset")
def next_offset(_c: Compiler, page: PageRow, _field: Field) -> str:
    after = f"{page.offset} + count({page.g}.rn)"
    return f"case when {after} < {page.total} then ({after})::text else 'null' end"


@builds("FigurePage", "lastChanged")
def page_last_changed(_c: Compiler, page: PageRow, _field: Field) -> str:
    return j.nullable(j.timestamp(f"max({page.g}.last_changed)"))


_FIGURE_SCALARS = {
    "regionCode": j.string("@.region_code"),
    "year": j.number("@.year"),
    "unit": j.string("@.unit"),
    "target": j.nullable(j.decimal("@.target")),
    "actual": j.nullable(j.decimal("@.actual")),
    "supplementaryTarget": j.nullable(j.decimal("@.supplementary_target")),
    "completionRate": j.nullable(j.decimal("@.completion_rate")),
    "lastChanged": j.timestamp("@.last_changed"),
}

builds_columns("Figure", _FIGURE_SCALARS, lambda page: page.g)


@builds("Figure", "indicator")
def indicator(c: Compiler, page: PageRow, field: Field) -> str:
    return c.object(field.type, page.g, field)


@builds("Figure", "region")
def figure_region(c: Compiler, page: PageRow, field: Field) -> str:
    return region_of(c, f"{page.g}.region_code", field)


@builds("Figure", "values")
def values(c: Compiler, page: PageRow, field: Field) -> str:
    element = c.object(field.type, page.n, field)
    return page.aggregate(f"'[' || string_agg({element}, ',' order by {page.n}.kind) || ']'")


# an indicator's and a value's fields are read from the page's row, its alias given
builds_columns(
    "Indicator",
    {
        "code": j.string("@.indicator_code"),
        "programme": j.string("@.programme_code"),
        "programmeZh": j.string("@.programme_zh"),
        "phase": j.string("@.phase"),
        "unit": j.string("@.unit"),
        "nameZh": j.string("@.indicator_zh"),
        "nameEn": j.nullable(j.string("@.indicator_en")),
        "breakdown": j.nullable(j.string("@.breakdown")),
        "breakdownZh": j.nullable(j.string("@.breakdown_zh")),
    },
    str,
)


builds_columns(
    "FigureValue",
    {
        "kind": j.string("@.kind"),
        "value": j.decimal("@.value"),
        "revision": j.number("@.revision"),
        "updatedAt": j.timestamp("@.updated_at"),
    },
    str,
)


@builds("FigureValue", "source")
def source(c: Compiler, n: str, field: Field) -> str:
    return c.object(field.type, n, field)


builds_columns(
    "Source",
    {
        "documentNumber": j.nullable(j.string("@.document_number")),
        "annex": j.nullable(j.number("@.annex")),
        "line": j.nullable(j.number("@.source_line")),
        "principal": j.nullable(j.string("@.source_principal")),
    },
    str,
)
