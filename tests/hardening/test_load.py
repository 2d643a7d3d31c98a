"""The bounded load test (bench/load_test.py), shortened: the real server process under
concurrent readers and writers — no 5xx, every acknowledged write in the database and
in the changes feed exactly once, memory flat."""

import os

from bench.load_test import run

SECONDS = float(os.environ.get("ANJU_LOAD_TEST_SECONDS", "15"))


async def test_load_no_5xx_every_write_exactly_once_memory_flat(wurl: str) -> None:
    report = await run(wurl, SECONDS)
    print(report.table())
    assert report.server_errors == 0, report.table()
    assert {"rest", "graphql", "write", "retry"} <= set(report.latencies), report.table()
    assert report.acknowledged, report.table()
    assert report.written_exactly_once, report.table()
    assert report.in_feed_exactly_once, report.table()
    assert report.memory_growth_mb < 64, report.table()
