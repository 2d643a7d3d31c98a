"""Regions compiled: `Query.region`, `Query.provinces` and the fields of `Region`.

Lists come in the order of service.regions.store. A region of a list knows its siblings
(`RegionRow.siblings`), so that a field over regions (figures) is computed once for the
whole list and joined to it, not once per region."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from service.graphql_compiler import json_text as j
from service.graphql_compiler.plan import Compiler, Field, builds
from service.regions import store


@dataclass
class RegionRow:
    alias: str  # of a `regions` row
    # the condition on a `regions` alias that selects the list the row is one of
    siblings: Callable[[str], str] | None = None
    # joins to the row's list: the fields computed for the whole list
    joins: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return f"{self.alias}.code"


def _one(c: Compiler, field: Field, where: Callable[[str], str]) -> str:
    """The region `where` (of an alias) selects, NULL if none."""
    row = RegionRow(c.alias("r"))
    return f"(select {c.object(field.type, row, field)} from regions {row.alias} where {where(row.alias)})"


def _list(
    c: Compiler, field: Field, where: Callable[[str], str], order: Callable[[str], str]
) -> str:
    row = RegionRow(c.alias("r"), siblings=where)
    element = c.object(field.type, row, field)
    r = row.alias
    return j.array(element, f"from regions {r}{''.join(row.joins)} where {where(r)}", order(r))


@builds("Query", "region")
def query_region(c: Compiler, _row: None, field: Field) -> str:
    args = c.args(field)
    if args.given("code"):
        code = args.param("code", "text")
        return _one(c, field, lambda r: f"{r}.code = {code}")
    if args.given("name"):
        # as service.regions.find: a name shared by several regions is an error
        name = args.param("name", "text", lambda v: re.sub(r"\s", "", v))
        only = (
            "(select case when count(*) = 1 then min(r.code) end"
            f" from regions r where {store.named(name)})"
        )
        return _one(c, field, lambda r: f"{r}.code = {only}")
    # neither: NULL, and the ordinary path refuses it
    return _one(c, field, lambda _r: "false")


@builds("Query", "provinces")
def provinces(c: Compiler, _row: None, field: Field) -> str:
    return _list(c, field, lambda r: f"{r}.parent_code is null", lambda r: f"{r}.code")


@builds("Region", "code", "name", "level", "kind")
def column(_c: Compiler, row: RegionRow, field: Field) -> str:
    return j.string(f"{row.alias}.{field.name}")


@builds("Region", "aliases")
def aliases(c: Compiler, row: RegionRow, _field: Field) -> str:
    a = c.alias("a")
    return j.array(
        j.string(f"{a}.alias"),
        f"from region_aliases {a} where {a}.region_code = {row.code}",
        f"{a}.alias",
    )


@builds("Region", "parent")
def parent(c: Compiler, row: RegionRow, field: Field) -> str:
    return j.nullable(_one(c, field, lambda r: f"{r}.code = {row.alias}.parent_code"))


def _level(c: Compiler, field: Field) -> Callable[[str], str]:
    args = c.args(field)
    if not args.given("level"):
        return lambda _r: ""
    level = args.param("level", "text")
    return lambda r: f" and {r}.level = {level}"


@builds("Region", "children")
def children(c: Compiler, row: RegionRow, field: Field) -> str:
    level = _level(c, field)
    if row.siblings is None:
        return _list(
            c, field, lambda r: f"{r}.parent_code = {row.code}{level(r)}", store.sibling_order
        )
    # a region of a list: the children of the whole list at once, grouped by parent
    above = row.siblings
    parents, lists = c.alias("s"), c.alias("l")

    def cousins(r: str) -> str:
        return (
            f"{r}.parent_code = any(array(select {parents}.code from regions {parents}"
            f" where {above(parents)})){level(r)}"
        )

    child = RegionRow(c.alias("r"), siblings=cousins)
    element = c.object(field.type, child, field)
    r = child.alias
    row.joins.append(
        f" left join (select {r}.parent_code, '[' || string_agg({element}, ','"
        f" order by {store.sibling_order(r)}) || ']' as list"
        f" from regions {r}{''.join(child.joins)} where {cousins(r)} group by {r}.parent_code)"
        f" {lists} on {lists}.parent_code = {row.code}"
    )
    return f"coalesce({lists}.list, '[]')"


@builds("Region", "descendants")
def descendants(c: Compiler, row: RegionRow, field: Field) -> str:
    level = _level(c, field)
    below = RegionRow(c.alias("r"))
    r = below.alias
    element = c.object(field.type, below, field)
    return (
        f"(select '[' || coalesce(string_agg({element}, ',' order by {store.subtree_order(r)}), '')"
        f" || ']' from ({store.subtree_cte(f'= {row.code}')} select * from t) t"
        f" join regions {r} on {r}.code = t.code where t.depth > 0{level(r)})"
    )


def region_of(c: Compiler, code: str, field: Field) -> str:
    """The region with code `code` (an SQL expression), for fields pointing at one."""
    return _one(c, field, lambda r: f"{r}.code = {code}")
