"""All SQL about regions."""

import asyncpg

from service.kit.db import Session
from service.kit.records import construct
from service.regions.schemas import Region, RegionKind, RegionLevel

_COLUMNS = """
    r.code, r.name, r.level, r.kind, r.parent_code, r.pinyin, r.name_en,
    coalesce((select array_agg(a.alias order by a.alias)
              from region_aliases a where a.region_code = r.code), '{}') as aliases
"""


_LEVELS = {level.value: level for level in RegionLevel}
_KINDS = {kind.value: kind for kind in RegionKind}


def _region(row: asyncpg.Record) -> Region:
    # typed by the table's own checks: no validation, which costs more than the query on
    # a tree of the whole country
    return construct(
        Region,
        code=row["code"],
        name=row["name"],
        level=_LEVELS[row["level"]],
        kind=_KINDS[row["kind"]],
        parent_code=row["parent_code"],
        aliases=list(row["aliases"]),
        pinyin=row["pinyin"],
        name_en=row["name_en"],
    )


async def by_codes(db: Session, codes: list[str]) -> list[Region]:
    rows = await db.fetch(f"select {_COLUMNS} from regions r where r.code = any($1::text[])", codes)
    return [_region(r) for r in rows]


def named(name: str) -> str:
    """The condition on `regions r` that its name or alias is `name` (an SQL value)."""
    return f"""(regexp_replace(r.name, '\\s', '', 'g') = {name}
               or exists (select 1 from region_aliases a
                          where a.region_code = r.code and a.alias = {name}))"""


def sibling_order(alias: str) -> str:
    """How the children of one parent are listed."""
    return f"{alias}.kind, {alias}.code"


async def by_name(db: Session, name: str) -> list[Region]:
    """Regions whose name or alias is `name` (white space ignored)."""
    rows = await db.fetch(
        f"select {_COLUMNS} from regions r where {named('$1')} order by r.code", name
    )
    return [_region(r) for r in rows]


async def by_typed_name(db: Session, key: str) -> list[Region]:
    """Regions whose English name, pinyin or initials is `key` (normalised), best kind of
    match only: `nanchang` is the city Nanchang, not Nanchang County."""
    rows = await db.fetch(
        f"""select {_COLUMNS} from regions r
            join region_names n on n.region_code = r.code and n.key = $1
            where n.rank = (select min(rank) from region_names where key = $1)
            order by r.code""",
        key,
    )
    return [_region(r) for r in rows]


_LEVEL_ORDER = "array_position(array['PROVINCE', 'CITY', 'COUNTY'], r.level)"


async def search(db: Session, text: str, key: str, limit: int) -> list[Region]:
    """Regions a person may mean by `text`: exact Chinese names and aliases first, then
    English names, pinyin and initials, then names and keys that start with it, then
    Chinese names that contain it; higher levels first within each."""
    rows = await db.fetch(
        rf"""with found (code, rank) as (
                select r.code, 0 from regions r
                where regexp_replace(r.name, '\s', '', 'g') = $1
                   or exists (select 1 from region_aliases a
                              where a.region_code = r.code and a.alias = $1)
                union all
                select region_code, rank from region_names where key = $2
                union all
                select region_code, 3 + rank from region_names
                where $2 <> '' and key like $2 || '%'
                union all
                select code, 7 from regions where $1 <> '' and strpos(name, $1) > 0
            ), best as (select code, min(rank) as rank from found group by code)
            select {_COLUMNS} from best join regions r on r.code = best.code
            order by best.rank, {_LEVEL_ORDER}, r.code
            limit $3""",
        text,
        key,
        limit,
    )
    return [_region(r) for r in rows]


async def children_of(db: Session, parent_codes: list[str], level: str | None) -> list[Region]:
    rows = await db.fetch(
        f"""select {_COLUMNS} from regions r
            where r.parent_code = any($1::text[]) and ($2::text is null or r.level = $2)
            order by r.parent_code, {sibling_order("r")}""",
        parent_codes,
        level,
    )
    return [_region(r) for r in rows]


async def subtree(db: Session, root_code: str, level: str | None) -> list[Region]:
    """The root and all its descendants, parents before children."""
    rows = await db.fetch(
        f"""with recursive t as (
                select code, 0 as depth from regions where code = $1
                union all
                select r.code, t.depth + 1 from regions r join t on r.parent_code = t.code)
            select {_COLUMNS} from t join regions r on r.code = t.code
            where ($2::text is null or r.level = $2)
            order by t.depth, r.parent_code, r.kind, r.code""",
        root_code,
        level,
    )
    return [_region(r) for r in rows]


def subtree_cte(roots: str) -> str:
    """`t (root, code, depth)`: the regions whose code is `roots` (a condition) with all
    their descendants."""
    return f"""with recursive t as (
                select code as root, code, 0 as depth from regions where code {roots}
                union all
                select t.root, r.code, t.depth + 1 from regions r join t on r.parent_code = t.code)
            """


def subtree_order(alias: str) -> str:
    """Parents before children: by depth in `t`, then by parent and as siblings."""
    return f"t.depth, {alias}.parent_code, {sibling_order(alias)}"


async def subtrees(db: Session, roots: list[str], level: str | None) -> dict[str, list[Region]]:
    """Each root's strict descendants, parents before children, in one statement."""
    rows = await db.fetch(
        f"""{subtree_cte("= any($1::text[])")}
            select t.root, {_COLUMNS} from t join regions r on r.code = t.code
            where t.depth > 0 and ($2::text is null or r.level = $2)
            order by t.root, {subtree_order("r")}""",
        roots,
        level,
    )
    found: dict[str, list[Region]] = {root: [] for root in roots}
    for row in rows:
        found[row["root"]].append(_region(row))
    return found


async def roots(db: Session) -> list[Region]:
    rows = await db.fetch(
        f"select {_COLUMNS} from regions r where r.parent_code is null order by r.code"
    )
    return [_region(r) for r in rows]


async def ancestors(db: Session, codes: list[str]) -> dict[str, list[str]]:
    """Each region's ancestors, nearest first, in one statement."""
    rows = await db.fetch(
        """with recursive up (code, ancestor, depth) as (
               select r.code, r.parent_code, 1 from regions r
               where r.code = any($1::text[]) and r.parent_code is not null
               union all
               select up.code, r.parent_code, up.depth + 1
               from up join regions r on r.code = up.ancestor
               where r.parent_code is not null)
           select code, array_agg(ancestor order by depth) as ancestors from up group by code""",
        codes,
    )
    found: dict[str, list[str]] = {code: [] for code in codes}
    found.update({r["code"]: list(r["ancestors"]) for r in rows})
    return found


async def ancestors_of(db: Session, code: str) -> list[str]:
    """The strict ancestors of `code`, nearest first (empty for a province or unknown code)."""
    return (await ancestors(db, [code]))[code]
