"""The data version: advanced by every committed write of the API's data (migrations
0019 and 0022), read once per cacheable request before its own reads."""

from dataclasses import dataclass
from datetime import datetime

from service.kit import replicas
from service.kit.db import Database

# `settled`: the newest commit is old enough that no write still committing can carry
# the same second (decision 0013); compared on the database's clock, which stamped it.
_READ = """select version, committed_at,
                  committed_at <= clock_timestamp() - make_interval(secs => $1) as settled
           from data_version"""


@dataclass(frozen=True)
class DataVersion:
    number: int
    # whole seconds: the newest commit's, for Last-Modified and If-Modified-Since
    committed_at: datetime
    # only a settled version's date is sent and compared: until then a later write may
    # still be stamped with the same second
    settled: bool
    # where it was read: a replica orders commits as its WAL does, which the primary's
    # snapshots may not, so equal sums on the two may count different writes
    source: replicas.Source


async def read(database: Database, settle_seconds: float) -> DataVersion:
    """On the server the request's reads go to, so that they are no older than this."""
    row = await database.fetchrow_routed(_READ, settle_seconds)
    assert row is not None, "the data_version view is created by its migrations"
    routing = replicas.current()
    source = routing.source if database.has_replica and routing and routing.source else "primary"
    return DataVersion(int(row["version"]), row["committed_at"], row["settled"], source)
