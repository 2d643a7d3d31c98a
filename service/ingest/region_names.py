"""Pinyin, initials and English names of the regions, stored beside them.

pypinyin takes about half a millisecond a name: only regions that are new or were renamed
since the last load are computed again, so a restart costs one query."""

from typing import TYPE_CHECKING

from service.ingest.regions import Region
from service.regions.names import names_of
from service.regions.schemas import RegionKind, RegionLevel

if TYPE_CHECKING:  # only for annotations, as in service.ingest.load
    from service.kit.db import Connection


async def load_region_names(conn: "Connection", regions: list[Region]) -> int:
    """Fill the names of the regions whose names are missing or stale; return how many."""
    current = {
        r["code"]: r["name"]
        for r in await conn.fetch("select code, name from regions where name_en is not null")
    }
    stale = [r for r in regions if current.get(r.code) != r.name]
    if not stale:
        return 0
    names = {r.code: names_of(r.name, RegionLevel(r.level), RegionKind(r.kind)) for r in stale}
    await conn.executemany(
        "update regions set pinyin = $2, name_en = $3 where code = $1",
        [(code, n.pinyin, n.name_en) for code, n in names.items()],
    )
    await conn.execute("delete from region_names where region_code = any($1::text[])", list(names))
    await conn.copy_records_to_table(
        "region_names",
        records=[(key, code, rank) for code, n in names.items() for key, rank in n.keys.items()],
        columns=["key", "region_code", "rank"],
    )
    return len(stale)
