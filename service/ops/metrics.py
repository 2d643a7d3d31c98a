"""Prometheus metrics: request latency by route template and GraphQL operation, errors
by status, 429 refusals, database pool use.

With PROMETHEUS_MULTIPROC_DIR set (several worker processes), every process writes its
samples to files in that folder and /metrics sums them all (prometheus_client's
multiprocess mode); the folder must be emptied before the workers start."""

import os
import re
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from service.kit.db import Database

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUEST_SECONDS = Histogram(
    "anju_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template (not the raw path)",
    ["method", "route"],
    buckets=_BUCKETS,
)
GRAPHQL_SECONDS = Histogram(
    "anju_graphql_operation_duration_seconds",
    "Time to answer a GraphQL request, by operation type and name",
    ["type", "operation"],
    buckets=_BUCKETS,
)
ERRORS = Counter(
    "anju_http_errors_total", "Answers with a 4xx or 5xx status", ["method", "route", "status"]
)
RATE_LIMITED = Counter(
    "anju_rate_limited_total", "Requests refused with 429 (rate limits)", ["method", "route"]
)
POOL = Gauge(
    "anju_db_pool_connections",
    "Database pool connections: size (open), in_use, idle, max",
    ["pool", "state"],
    multiprocess_mode="livesum",
)

UNMATCHED = "unmatched"  # the route label of a path no route serves
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_POOL_SAMPLE_SECONDS = 0.5


class Recorder:
    """Observes answered requests; bounds the label values a caller can make up."""

    def __init__(self, max_graphql_operations: int) -> None:
        self._max_operations = max_graphql_operations
        self._operations: set[str] = set()
        self._pool_sampled = 0.0

    def operation_label(self, name: str | None) -> str:
        """A GraphQL operation name is the client's choice: unnamed, malformed, or past
        the number of distinct names allowed, it is counted under a fixed label."""
        if name is None:
            return "anonymous"
        if not _NAME.fullmatch(name):
            return "invalid"
        if name not in self._operations:
            if len(self._operations) >= self._max_operations:
                return "other"
            self._operations.add(name)
        return name

    def request(
        self,
        method: str,
        route: str,
        status: int,
        seconds: float,
        graphql: tuple[str, str | None] | None = None,
    ) -> None:
        REQUEST_SECONDS.labels(method, route).observe(seconds)
        if graphql is not None:
            kind, name = graphql
            GRAPHQL_SECONDS.labels(kind, self.operation_label(name)).observe(seconds)
        if status >= 400:
            ERRORS.labels(method, route, str(status)).inc()
            if status == 429:
                RATE_LIMITED.labels(method, route).inc()

    def sample_pools(self, database: Database | None, *, force: bool = False) -> None:
        """Pool use, at most every half second per process (and on every scrape)."""
        now = time.monotonic()
        if database is None or (not force and now - self._pool_sampled < _POOL_SAMPLE_SECONDS):
            return
        self._pool_sampled = now
        pools = {"write": database.write_pool}
        if database.read_pool is not database.write_pool:
            pools["read"] = database.read_pool
        for name, pool in pools.items():
            size, idle = pool.get_size(), pool.get_idle_size()
            POOL.labels(name, "size").set(size)
            POOL.labels(name, "idle").set(idle)
            POOL.labels(name, "in_use").set(size - idle)
            POOL.labels(name, "max").set(pool.get_max_size())


def exposition() -> tuple[bytes, str]:
    """The text format, summed over worker processes in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def process_exited() -> None:
    """A worker going away: its live gauges stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
