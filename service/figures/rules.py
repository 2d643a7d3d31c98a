"""The rules of a figure write, stated once in SQL over a relation of items, so that a
batch of a few items (an `unnest` of parameters) and an upload of a million rows (a
staging table) are checked by the very same statements.

The relation (`source`) has the columns n (the item's index, or the file's row),
region, year, indicator, kind, value, unit (null: not given) and expected_revision
(null: not compared). Access is decided by `service.auth.policy` over the distinct
(region, kind) pairs with their ancestors: a handful of calls whatever the size.
"""

import json
from dataclasses import dataclass
from typing import Any

from service.catalogue.schemas import UNIT_DECIMALS, UNIT_INTEGER_DIGITS, UNIT_NAMES_ZH, Unit
from service.kit.db import Session


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The units' rules as a relation, rendered from the one table of them in the catalogue.
_UNITS = (
    "(values "
    + ", ".join(
        f"({_literal(u.value)}, {_literal(UNIT_NAMES_ZH[u])}, {UNIT_DECIMALS[u]},"
        f" {UNIT_INTEGER_DIGITS[u]})"
        for u in Unit
    )
    + ") as u (unit, name, places, digits)"
)


@dataclass(frozen=True)
class Problem:
    n: int
    field: str | None  # region, indicator, unit, value; None: the item as a whole
    message: str
    same_as: int | None = None  # a duplicate: the item it repeats


@dataclass(frozen=True)
class Validation:
    problems: list[Problem]  # in item order, at most `limit`
    total: int  # every problem, listed or not
    unplanned: list[int]  # years without any target: no write may go there
    # (region, kind) → the region's strict ancestors, nearest first, for the policy
    pairs: dict[tuple[str, str], list[str]]


def _validation_sql(source: str, limit: str) -> str:
    return f"""
        with items as ({source}),
        known as (
            select s.n, s.region, s.year, s.indicator, s.kind, s.value, s.unit,
                   r.code is not null as region_known, i.id as indicator_id,
                   i.unit as indicator_unit, u.name as unit_name, u.places, u.digits,
                   case when i.id is not null then
                       min(s.n) over (partition by s.region, s.year, i.id, s.kind) end as first_n
            from items s
            left join regions r on r.code = s.region
            left join indicators i on i.code = s.indicator
            left join {_UNITS} on u.unit = i.unit),
        problems (n, rank, field, message, same_as) as (
            select n, 1, 'region', format('no region with code %L', region), null::int
            from known where not region_known
            union all
            select n, 2, 'indicator', format('no indicator with code %L', indicator), null
            from known where indicator_id is null
            union all
            select n, 3, 'unit', format('%s is counted in %s (%s), not %s',
                                        indicator, unit_name, indicator_unit, unit), null
            from known where indicator_id is not null and unit <> indicator_unit
            union all
            select n, 4, 'value', case
                when value < 0 then 'must not be negative, got ' || value::text
                when value >= 10::numeric ^ digits then format(
                    '%s (%s) allows at most %s digits before the point, got %se+%s',
                    unit_name, indicator_unit, digits,
                    round(value / 10::numeric ^ floor(log(value)), 6), floor(log(value)))
                else format('%s (%s) allows %s decimal places, got %s',
                            unit_name, indicator_unit, places, value::text) end, null
            from known
            where indicator_id is not null
              and (value < 0 or value >= 10::numeric ^ digits or min_scale(value) > places)
            union all
            select n, 5, null, format('%s %s of %s is given twice', indicator, kind, region),
                   first_n
            from known where n <> first_n),
        pairs as (
            select distinct region, kind from known
            where region_known and indicator_id is not null)
        select
            (select coalesce(jsonb_agg(jsonb_build_array(n, field, message, same_as)
                                       order by n, rank), '[]')
             from (select * from problems order by n, rank limit {limit}) p) as problems,
            (select count(*) from problems) as total,
            (select coalesce(array_agg(d.year order by d.year), '{{}}')
             from (select distinct year from items) d
             where not exists (select 1 from figures f
                               where f.year = d.year and f.kind <> 'ACTUAL')) as unplanned,
            -- the closure table, by its index (a walk up `regions` is planned as a scan
            -- of the table when the plan is generic); the nearest, which has the most
            -- ancestors itself, first
            (select coalesce(jsonb_agg(jsonb_build_array(p.region, p.kind, coalesce(
                 (select array_agg(a.ancestor order by (
                      select count(*) from region_ancestors x where x.code = a.ancestor) desc)
                  from region_ancestors a where a.code = p.region),
                 '{{}}'))), '[]')
             from pairs p) as pairs"""


async def validate(db: Session, source: str, args: list[Any], limit: int) -> Validation:
    """The rules that need no lock: catalogue, regions, units, values, duplicates."""
    row = await db.fetchrow(_validation_sql(source, f"${len(args) + 1}"), *args, limit)
    assert row is not None
    return Validation(
        [Problem(n, field, message, same_as) for n, field, message, same_as in _json(row[0])],
        row["total"],
        list(row["unplanned"]),
        {(region, kind): ancestors for region, kind, ancestors in _json(row["pairs"])},
    )


@dataclass(frozen=True)
class Refusal:
    n: int
    reason: str  # refused (the pair's access), certified, conflict
    region: str
    year: int
    indicator: str
    kind: str
    expected_revision: int | None
    revision: int  # the stored one (0: none)


@dataclass(frozen=True)
class State:
    refusals: list[Refusal]  # in item order, at most `limit`
    total: int
    changed: int  # items whose value differs from the stored one


def _state_sql(source: str, first: int) -> str:
    """`first`: the number of the first parameter after the source's own."""
    regions, kinds, bad, free, limit = (f"${first + i}" for i in range(5))
    refused = f"(select * from unnest({regions}::text[], {kinds}::text[]))"
    return f"""
        with items as ({source}),
        current as (
            select s.n, s.region, s.year, s.indicator, s.kind, s.expected_revision,
                   coalesce(f.revision, 0) as revision,
                   f.value is not distinct from s.value as unchanged
            from items s
            join indicators i on i.code = s.indicator
            -- the items' regions only: an index scan, not the table
            left join (select * from figures
                       where region_code = any(array(select distinct region from items))) f
                   on f.region_code = s.region and f.year = s.year
                  and f.indicator_id = i.id and f.kind = s.kind
            where not (s.n = any({bad}::int[]))),
        changed as (select * from current where not ({free}::bool and unchanged)),
        refusals (n, rank, reason) as (
            select n, 1, 'refused' from changed c
            where (region, kind) in {refused}
            union all
            select n, 2, 'certified' from changed c
            where kind = 'ACTUAL'
              and (region, kind) not in {refused}
              and exists (select 1 from reporting_periods p where p.region_code = c.region
                          and p.year = c.year and p.status = 'CERTIFIED')
            union all
            select n, 3, 'conflict' from changed c
            where expected_revision is not null and expected_revision <> revision)
        select
            (select coalesce(jsonb_agg(jsonb_build_array(
                         r.n, r.reason, c.region, c.year, c.indicator, c.kind,
                         c.expected_revision, c.revision) order by r.n), '[]')
             from (select distinct on (n) * from refusals order by n, rank limit {limit}) r
             join changed c using (n)) as refusals,
            (select count(distinct n) from refusals) as total,
            (select count(*) from changed) as changed"""


async def state(
    db: Session,
    source: str,
    args: list[Any],
    *,
    refused: list[tuple[str, str]],
    bad: list[int],
    unchanged_is_free: bool,
    limit: int,
) -> State:
    """The rules that need the figures locked: access of the items that change a value
    (`refused`: the pairs the policy refuses), certified periods, revisions."""
    row = await db.fetchrow(
        _state_sql(source, len(args) + 1),
        *args,
        [r for r, _ in refused],
        [k for _, k in refused],
        bad,
        unchanged_is_free,
        limit,
    )
    assert row is not None
    return State(
        [Refusal(*r) for r in _json(row["refusals"])],
        row["total"],
        row["changed"],
    )


def _json(value: str | list[Any]) -> list[Any]:
    return json.loads(value) if isinstance(value, str) else value
