"""The rate-limit counters, shared by every worker process: each worker adds what it
counted since its last flush, for all its keys in one statement."""

from dataclasses import dataclass

from service.kit.db import Connection

# Fixed windows aligned on the database clock (one clock for all workers); increments
# from a newer window restart the count. Keys in one order, so that two workers adding
# to the same keys never wait for each other in a cycle.
_ADD = """
insert into rate_limits as r (key, window_start, hits)
select u.key,
       to_timestamp(floor(extract(epoch from clock_timestamp())::float8 / $3::float8) * $3::float8),
       u.hits
from unnest($1::text[], $2::int[]) as u(key, hits)
order by u.key
on conflict (key) do update
    set hits = case when excluded.window_start > r.window_start then excluded.hits
                    else r.hits + excluded.hits end,
        window_start = greatest(r.window_start, excluded.window_start)
returning key, hits,
    extract(epoch from r.window_start + make_interval(secs => $3::float8) - clock_timestamp())::float8
"""


@dataclass(frozen=True)
class Total:
    hits: int  # requests in the current window, every worker's that reached the table
    seconds_left: float  # until the window ends


async def add(
    conn: Connection, increments: dict[str, int], window_seconds: int
) -> dict[str, Total]:
    """Add `increments` (key → requests); the totals after them."""
    keys = sorted(increments)
    rows = await conn.fetch(_ADD, keys, [increments[k] for k in keys], float(window_seconds))
    return {r["key"]: Total(int(r["hits"]), float(r[2])) for r in rows}
