"""The data version: advanced by every committed write of the API's data (migration
0019), read once per cacheable request before its own reads."""

from dataclasses import dataclass
from datetime import datetime

from service.kit.db import Database

_READ = "select version, committed_at from data_version"


@dataclass(frozen=True)
class DataVersion:
    number: int
    # whole seconds, distinct per version: Last-Modified and If-Modified-Since
    committed_at: datetime


async def read(database: Database) -> DataVersion:
    """On the server the request's reads go to, so that they are no older than this."""
    row = await database.fetchrow_routed(_READ)
    assert row is not None, "the data_version row is created by its migration"
    return DataVersion(int(row["version"]), row["committed_at"])
