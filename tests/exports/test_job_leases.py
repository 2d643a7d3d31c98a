"""Upload jobs never hang: a job whose worker stopped beating is FAILED when read or
swept, with a problem saying so; finished jobs are deleted after their retention."""

import asyncio
import json
import uuid
from datetime import datetime

import httpx

from service.config import Settings
from service.exports import job_leases
from service.kit.db import Database
from tests.auth.tokens import clerk_headers

COUNTY = "360121"
OWNER = f"test-{COUNTY}"
STOPPED = {
    "type": "https://anju.exchange/problems/job-worker-stopped",
    "title": "The worker running this job stopped",
    "status": 500,
    "detail": "the worker running this job stopped (no heartbeat for 60 s); an upload is"
    " written whole or not at all: upload the file again",
    "code": "job-worker-stopped",
    "limit": "job_stale_after_s",
    "limit_value": 60.0,
}


async def _job(db: Database, status: str, *, beat_ago_s: float = 0, age_s: float = 0) -> uuid.UUID:
    """A job as a worker left it: its last heartbeat and its last change that long ago."""
    job_id = uuid.uuid4()
    async with db.connection() as conn:
        await conn.execute(
            """insert into upload_jobs (id, principal, status, bytes_total, heartbeat_at,
                                        updated_at)
               values ($1, $2, $3, 100, now() - make_interval(secs => $4),
                       now() - make_interval(secs => $5))""",
            job_id,
            OWNER,
            status,
            beat_ago_s,
            age_s,
        )
    return job_id


async def _status(db: Database, job_id: uuid.UUID) -> str | None:
    async with db.connection() as conn:
        status: str | None = await conn.fetchval(
            "select status from upload_jobs where id = $1", job_id
        )
    return status


async def test_a_job_whose_worker_stopped_is_failed_when_read(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    job_id = await _job(wdb, "RUNNING", beat_ago_s=120, age_s=120)
    response = await wclient.get(f"/api/v1/jobs/{job_id}", headers=clerk_headers(COUNTY))
    assert response.status_code == 200, response.text
    job = response.json()
    assert (job["status"], job["result"], job["problem"]) == ("FAILED", None, STOPPED)
    # it last changed 120 s before it was created (as inserted here), and now when it failed
    assert datetime.fromisoformat(job["updated_at"]) >= datetime.fromisoformat(job["created_at"])

    again = (await wclient.get(f"/api/v1/jobs/{job_id}", headers=clerk_headers(COUNTY))).json()
    assert (again["status"], again["problem"], again["updated_at"]) == (
        "FAILED",
        STOPPED,
        job["updated_at"],
    )


async def test_a_job_with_a_live_worker_keeps_running(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    job_id = await _job(wdb, "RUNNING", beat_ago_s=5, age_s=300)
    job = (await wclient.get(f"/api/v1/jobs/{job_id}", headers=clerk_headers(COUNTY))).json()
    assert (job["status"], job["problem"]) == ("RUNNING", None)


async def test_the_sweep_fails_stopped_jobs_and_deletes_old_finished_ones(wdb: Database) -> None:
    week = 7 * 24 * 3600
    stopped = await _job(wdb, "QUEUED", beat_ago_s=61, age_s=61)
    alive = await _job(wdb, "RUNNING", beat_ago_s=1, age_s=week + 60)
    old_done = await _job(wdb, "DONE", beat_ago_s=week + 60, age_s=week + 60)
    old_failed = await _job(wdb, "FAILED", beat_ago_s=week + 60, age_s=week + 60)
    recent_done = await _job(wdb, "DONE", beat_ago_s=week - 60, age_s=week - 60)

    swept = await job_leases.sweep(wdb, Settings())
    assert swept == job_leases.Swept(failed=1, deleted=2)
    assert [await _status(wdb, j) for j in (stopped, alive, old_done, old_failed, recent_done)] == [
        "FAILED",
        "RUNNING",
        None,
        None,
        "DONE",
    ]
    async with wdb.connection() as conn:
        problem = await conn.fetchval("select problem from upload_jobs where id = $1", stopped)
    assert json.loads(problem) == STOPPED


async def test_a_worker_beats_until_its_job_is_failed_under_it(wdb: Database) -> None:
    job_id = await _job(wdb, "RUNNING", beat_ago_s=30, age_s=30)
    beating = asyncio.create_task(job_leases.beat(wdb, job_id, 0.05))
    await asyncio.sleep(0.3)
    async with wdb.connection() as conn:
        since = await conn.fetchval(
            "select extract(epoch from now() - heartbeat_at) from upload_jobs where id = $1",
            job_id,
        )
        assert since < 1
        await conn.execute("update upload_jobs set status = 'FAILED' where id = $1", job_id)
    await asyncio.wait_for(beating, timeout=2)  # it stops by itself


async def test_every_process_sweeps_from_start_up_on(wdb: Database) -> None:
    first = await _job(wdb, "RUNNING", beat_ago_s=600, age_s=600)
    async with job_leases.sweeping(wdb, Settings(job_sweep_interval_s=0.05)):
        await asyncio.sleep(0.2)
        assert await _status(wdb, first) == "FAILED"  # at start-up
        later = await _job(wdb, "RUNNING", beat_ago_s=600, age_s=600)
        await asyncio.sleep(0.3)
        assert await _status(wdb, later) == "FAILED"  # and then periodically
