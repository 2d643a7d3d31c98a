"""Prometheus metrics after some requests: latency by route template and GraphQL
operation, errors by status, 429 refusals, pool use; several worker processes summed."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
from fastapi import FastAPI

from service.kit.errors import TooManyRequests
from tests.graphql_client import gql
from tests.ops.conftest import READER, metric

COUNT = "anju_http_request_duration_seconds_count"
REGION = {"method": "GET", "route": "/api/v1/regions/{code}"}


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_latency_by_route_template_and_graphql_operation(
    ops_client: httpx.AsyncClient,
) -> None:
    before = await scrape(ops_client)
    for code in ("360000", "360100", "140500"):
        assert (await ops_client.get(f"/api/v1/regions/{code}", headers=READER)).status_code == 200
    body = await gql(ops_client, "query ProvinceCodes { provinces { code } }", headers=READER)
    assert body["data"]["provinces"]
    after = await scrape(ops_client)

    assert metric(after, COUNT, **REGION) - metric(before, COUNT, **REGION) == 3
    # the raw paths are no labels
    assert "/api/v1/regions/360100" not in after
    op = {"type": "query", "operation": "ProvinceCodes"}
    seconds = "anju_graphql_operation_duration_seconds"
    assert metric(after, f"{seconds}_count", **op) - metric(before, f"{seconds}_count", **op) == 1
    assert metric(after, f"{seconds}_bucket", **op, le="+Inf") >= 1
    assert metric(after, COUNT, method="POST", route="/graphql") >= 1


async def test_errors_by_status_and_unmatched_paths(ops_client: httpx.AsyncClient) -> None:
    errors = "anju_http_errors_total"
    missing = {**REGION, "status": "404"}
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    before = await scrape(ops_client)
    assert (await ops_client.get("/api/v1/regions/369999", headers=READER)).status_code == 404
    assert (await ops_client.get("/no/such/path/zqxv")).status_code == 404
    after = await scrape(ops_client)
    assert metric(after, errors, **missing) - metric(before, errors, **missing) == 1
    assert metric(after, errors, **unmatched) - metric(before, errors, **unmatched) == 1
    assert "zqxv" not in after


async def test_rate_limit_refusals_are_counted(app: FastAPI, ops_client: httpx.AsyncClient) -> None:
    # Any 429 counts, whoever answers it: here a route that always refuses.
    async def refuse() -> None:
        raise TooManyRequests("slow down", retry_after=3)

    app.add_api_route("/api/v1/test-refusals", refuse)
    labels = {"method": "GET", "route": "/api/v1/test-refusals"}
    before = await scrape(ops_client)
    for _ in range(2):
        response = await ops_client.get("/api/v1/test-refusals")
        assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    after = await scrape(ops_client)
    refused = "anju_rate_limited_total"
    assert metric(after, refused, **labels) - metric(before, refused, **labels) == 2


async def test_pool_use_is_reported(ops_client: httpx.AsyncClient) -> None:
    text = await scrape(ops_client)
    pool = "anju_db_pool_connections"
    size = metric(text, pool, pool="write", state="size")
    idle = metric(text, pool, pool="write", state="idle")
    assert metric(text, pool, pool="write", state="max") == 4  # the test pool's max_size
    assert 1 <= size <= 4
    assert metric(text, pool, pool="write", state="in_use") == size - idle


async def test_unnamed_and_malformed_operation_names_get_fixed_labels(
    app: FastAPI,
) -> None:
    recorder = app.state.metrics
    assert recorder.operation_label(None) == "anonymous"
    assert recorder.operation_label("a b<script>") == "invalid"
    assert recorder.operation_label("Fine_1") == "Fine_1"


_WORKER = textwrap.dedent(
    """
    from service.ops import metrics
    metrics.Recorder(10).request("GET", "/api/v1/figures", 200, 0.01, ("query", "Nightly"))
    """
)
_SCRAPE = "from service.ops import metrics; print(metrics.exposition()[0].decode())"


def test_several_worker_processes_are_summed(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(3):  # three workers, each answering one request
        subprocess.run([sys.executable, "-c", _WORKER], env=env, check=True)
    scraped = subprocess.run(
        [sys.executable, "-c", _SCRAPE], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert metric(scraped, COUNT, method="GET", route="/api/v1/figures") == 3
    op = {"type": "query", "operation": "Nightly"}
    assert metric(scraped, "anju_graphql_operation_duration_seconds_count", **op) == 3
