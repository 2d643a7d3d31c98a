"""Upload jobs never hang: the worker running a job holds a lease on it, renewed by a
heartbeat (`beat`); a job whose heartbeat is older than `job_stale_after_s` lost its
worker (killed, crashed, restarted) and is FAILED with `WorkerStopped` — when it is read
(`STALE`, used by `jobs.get`) or by the sweep that every process runs at start-up and
then periodically (`sweeping`), which also deletes finished jobs after `job_retention_s`.
"""

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from service.config import Settings
from service.kit.db import Database
from service.kit.errors import ProblemError

log = logging.getLogger(__name__)

UNFINISHED = "('QUEUED', 'RUNNING')"


class WorkerStopped(ProblemError):
    status = 500
    code = "job-worker-stopped"
    title = "The worker running this job stopped"

    def __init__(self, stale_after_s: float) -> None:
        super().__init__(
            f"the worker running this job stopped (no heartbeat for {stale_after_s:g} s);"
            " an upload is written whole or not at all: upload the file again",
            limit="job_stale_after_s",
            limit_value=stale_after_s,
        )


def stale_problem(settings: Settings) -> str:
    """The problem a job whose worker stopped keeps, as stored (json)."""
    return json.dumps(WorkerStopped(settings.job_stale_after_s).problem())


# Fails the job if its worker stopped, and answers the job as it then stands: the
# parameters are the job's id and owner, the stale problem and the staleness in seconds.
STALE = f"""
    with stale as (
        update upload_jobs set status = 'FAILED', problem = $3, updated_at = now()
        where id = $1 and principal = $2 and status in {UNFINISHED}
          and heartbeat_at < now() - make_interval(secs => $4)
        returning *)
    select * from stale
    union all
    select * from upload_jobs
    where id = $1 and principal = $2 and not exists (select 1 from stale)"""


async def beat(database: Database, job_id: uuid.UUID, every_s: float) -> None:
    """Renew the job's lease every `every_s` while it is unfinished; return once it is
    not (a sweep failed it: the caller stops the work). A database away for a while
    only skips beats."""
    while True:
        await asyncio.sleep(every_s)
        try:
            async with database.connection() as conn:
                status = await conn.fetchval(
                    "update upload_jobs set heartbeat_at = now() where id = $1 returning status",
                    job_id,
                )
        except Exception as error:  # a missed beat must not stop the upload it guards
            log.warning("job %s: heartbeat skipped: %s", job_id, error)
            continue
        if status not in ("QUEUED", "RUNNING"):
            return


@dataclass(frozen=True)
class Swept:
    failed: int  # unfinished jobs whose worker stopped
    deleted: int  # finished jobs past their retention


async def sweep(database: Database, settings: Settings) -> Swept:
    """Fail the jobs whose worker stopped and delete the finished ones past retention,
    in one statement."""
    async with database.connection() as conn:
        row = await conn.fetchrow(
            f"""with failed as (
                    update upload_jobs set status = 'FAILED', problem = $1, updated_at = now()
                    where status in {UNFINISHED}
                      and heartbeat_at < now() - make_interval(secs => $2)
                    returning 1),
                deleted as (
                    delete from upload_jobs
                    where status in ('DONE', 'FAILED')
                      and updated_at < now() - make_interval(secs => $3)
                    returning 1)
                select (select count(*) from failed) as failed,
                       (select count(*) from deleted) as deleted""",
            stale_problem(settings),
            settings.job_stale_after_s,
            settings.job_retention_s,
        )
    assert row is not None
    return Swept(row["failed"], row["deleted"])


@asynccontextmanager
async def sweeping(database: Database, settings: Settings) -> AsyncIterator[None]:
    """Sweep at start-up and every `job_sweep_interval_s` until the service stops."""

    async def run() -> None:
        while True:
            try:
                swept = await sweep(database, settings)
                if swept.failed or swept.deleted:
                    log.info("jobs swept: %d failed, %d deleted", swept.failed, swept.deleted)
            except ProblemError as error:
                log.warning("job sweep skipped: %s", error.detail)
            await asyncio.sleep(settings.job_sweep_interval_s)

    task = asyncio.create_task(run())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
