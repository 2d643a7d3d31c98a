"""Regions compiled: `Query.region`, `Query.provinces` and the fields of `Region`.

A Region row is an alias of `regions`; lists come in the order of service.regions.store."""

import re

from service.graphql_compiler import json_text as j
from service.graphql_compiler.plan import Compiler, Field, builds
from service.regions import store


@builds("Query", "region")
def query_region(c: Compiler, _row: None, field: Field) -> str:
    args = c.args(field)
    r = c.alias("r")
    if args.given("code"):
        match = f"{r}.code = {args.param('code', 'text')}"
    elif args.given("name"):
        # as service.regions.find: a name shared by several regions is an error
        name = args.param("name", "text", lambda v: re.sub(r"\s", "", v))
        match = (
            f"{r}.code = (select case when count(*) = 1 then min(r.code) end"
            f" from regions r where {store.named(name)})"
        )
    else:
        match = "false"  # neither: the ordinary path refuses it
    # no coalesce: an unknown region nulls the answer (the ordinary path's error)
    return f"(select {c.object(field.type, r, field)} from regions {r} where {match})"


@builds("Query", "provinces")
def provinces(c: Compiler, _row: None, field: Field) -> str:
    r = c.alias("r")
    return j.array(
        c.object(field.type, r, field),
        f"from regions {r} where {r}.parent_code is null",
        f"{r}.code",
    )


@builds("Region", "code", "name", "level", "kind")
def column(_c: Compiler, row: str, field: Field) -> str:
    return j.string(f"{row}.{field.name}")


@builds("Region", "aliases")
def aliases(c: Compiler, row: str, _field: Field) -> str:
    a = c.alias("a")
    return j.array(
        j.string(f"{a}.alias"),
        f"from region_aliases {a} where {a}.region_code = {row}.code",
        f"{a}.alias",
    )


@builds("Region", "parent")
def parent(c: Compiler, row: str, field: Field) -> str:
    r = c.alias("r")
    found = f"(select {c.object(field.type, r, field)} from regions {r} where {r}.code = {row}.parent_code)"
    return j.nullable(found)


def _level(c: Compiler, field: Field, alias: str) -> str:
    args = c.args(field)
    return f" and {alias}.level = {args.param('level', 'text')}" if args.given("level") else ""


@builds("Region", "children")
def children(c: Compiler, row: str, field: Field) -> str:
    r = c.alias("r")
    level = _level(c, field, r)
    return j.array(
        c.object(field.type, r, field),
        f"from regions {r} where {r}.parent_code = {row}.code{level}",
        store.sibling_order(r),
    )


@builds("Region", "descendants")
def descendants(c: Compiler, row: str, field: Field) -> str:
    r = c.alias("r")
    level = _level(c, field, r)
    element = c.object(field.type, r, field)
    return (
        f"(select '[' || coalesce(string_agg({element}, ',' order by {store.subtree_order(r)}), '')"
        f" || ']' from ({store.subtree_cte(f'= {row}.code')} select * from t) t"
        f" join regions {r} on {r}.code = t.code where t.depth > 0{level})"
    )


def region_of(c: Compiler, code: str, field: Field) -> str:
    """The region with code `code` (an SQL expression), for fields pointing at one."""
    r = c.alias("r")
    return f"(select {c.object(field.type, r, field)} from regions {r} where {r}.code = {code})"
