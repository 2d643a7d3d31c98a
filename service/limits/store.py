"""The rate-limit counters: one upsert per request, shared by every worker process."""

from service.kit.db import Connection

# Fixed windows aligned on the database clock (one clock for all workers); a request
# from a newer window restarts the count. Returns the count and the seconds left.
_HIT = """
insert into rate_limits as r (key, window_start, hits)
values ($1, to_timestamp(floor(extract(epoch from clock_timestamp())::float8 / $2::float8) * $2::float8), 1)
on conflict (key) do update
    set hits = case when excluded.window_start > r.window_start then 1 else r.hits + 1 end,
        window_start = greatest(r.window_start, excluded.window_start)
returning hits,
    greatest(1, ceil(extract(epoch from
        r.window_start + make_interval(secs => $2::float8) - clock_timestamp())))::int
"""


async def hit(conn: Connection, key: str, window_seconds: int) -> tuple[int, int]:
    """Count one request under `key`: (requests in the current window, seconds left)."""
    row = await conn.fetchrow(_HIT, key, float(window_seconds))
    assert row is not None
    return int(row[0]), int(row[1])
