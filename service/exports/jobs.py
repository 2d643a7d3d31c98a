"""Uploads run as jobs: the request answers 202 at once and the upload runs in the
background in its own transaction. Its progress is kept in PostgreSQL (`upload_jobs`),
written outside that transaction, so that any worker answers `GET /jobs/{id}`."""

import asyncio
import json
import logging
import shutil
import tempfile
import uuid
from datetime import datetime
from enum import StrEnum
from typing import IO, Any

from asyncpg import Record
from pydantic import BaseModel

from service.auth.principal import Principal
from service.auth.sessions import write_session
from service.config import get_settings
from service.exports import job_leases, staging, upload
from service.exports.schemas import FileFormat, UploadResult
from service.kit.db import Database
from service.kit.errors import NotFound, ProblemError

log = logging.getLogger(__name__)


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class Job(BaseModel):
    id: uuid.UUID
    status: JobStatus
    bytes_total: int | None  # the file's size
    bytes_done: int  # read so far
    rows_done: int  # staged so far
    result: UploadResult | None  # when DONE
    problem: dict[str, Any] | None  # when FAILED: the problem a synchronous upload answers
    created_at: datetime
    updated_at: datetime
    heartbeat_at: datetime  # its worker's last sign of life (a stale one fails the job)


class JobNotFound(NotFound):
    code = "job-not-found"
    title = "No such job"

    def __init__(self, job_id: uuid.UUID) -> None:
        super().__init__(f"no upload job {job_id} of the caller", field="id")


# Jobs running in this process; a reference keeps each task alive until it ends.
_running: set[asyncio.Task[None]] = set()


async def start(
    database: Database,
    principal: Principal,
    reason: str,
    source: IO[bytes],
    fmt: FileFormat,
    request_id: str | None,
) -> Job:
    """Copy the upload (the request's spooled file goes when it is answered), record the
    job, and run it in the background."""
    reason = upload.check_uploader(principal, reason)
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the job closes it when it ends)
    job_id = uuid.uuid4()
    try:
        await asyncio.to_thread(shutil.copyfileobj, source, file)
        size = file.tell()
        file.seek(0)
        async with database.connection() as conn:
            row = await conn.fetchrow(
                "insert into upload_jobs (id, principal, status, bytes_total)"
                " values ($1, $2, $3, $4) returning *",
                job_id,
                principal.subject,
                JobStatus.QUEUED.value,
                size,
            )
    except BaseException:
        file.close()
        raise
    task = asyncio.create_task(_run(database, principal, reason, file, fmt, request_id, job_id))
    _running.add(task)
    task.add_done_callback(_running.discard)
    assert row is not None
    return _job(row)


async def _run(
    database: Database,
    principal: Principal,
    reason: str,
    file: IO[bytes],
    fmt: FileFormat,
    request_id: str | None,
    job_id: uuid.UUID,
) -> None:
    """The upload beside its heartbeat: should a sweep fail the job meanwhile (its
    heartbeat was late), the upload is cancelled, and its transaction rolled back."""
    work = asyncio.create_task(_upload(database, principal, reason, file, fmt, request_id, job_id))
    beat = asyncio.create_task(job_leases.beat(database, job_id, get_settings().job_heartbeat_s))
    try:
        await asyncio.wait({work, beat}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (work, beat):
            task.cancel()
        await asyncio.gather(work, beat, return_exceptions=True)
        file.close()  # the upload's own, unless it was cancelled before it began


async def _upload(
    database: Database,
    principal: Principal,
    reason: str,
    file: IO[bytes],
    fmt: FileFormat,
    request_id: str | None,
    job_id: uuid.UUID,
) -> None:
    async def progress(staged: staging.Staged) -> None:
        await _update(
            database,
            job_id,
            "status = $2, bytes_done = $3, rows_done = $4",
            JobStatus.RUNNING.value,
            staged.bytes_read,
            staged.rows,
        )

    try:
        with file:
            async with write_session(database, principal, request_id) as db:
                result = await upload.figures_file(db, principal, reason, file, fmt, progress)
        result = result.model_copy(update={"request_id": request_id})
        await _update(
            database,
            job_id,
            "status = $2, result = $3, bytes_done = bytes_total",
            JobStatus.DONE.value,
            result.model_dump_json(),
        )
    except ProblemError as error:
        await _fail(database, job_id, error.problem())
    except Exception:
        log.exception("upload job %s failed", job_id)
        problem = {"status": 500, "code": "internal", "detail": "the upload failed"}
        await _fail(database, job_id, problem)


async def _fail(database: Database, job_id: uuid.UUID, problem: dict[str, Any]) -> None:
    await _update(
        database, job_id, "status = $2, problem = $3", JobStatus.FAILED.value, json.dumps(problem)
    )


async def _update(database: Database, job_id: uuid.UUID, assignments: str, *args: Any) -> None:
    async with database.connection() as conn:
        await conn.execute(
            f"update upload_jobs set {assignments}, updated_at = now(), heartbeat_at = now()"
            " where id = $1",
            job_id,
            *args,
        )


async def get(database: Database, principal: Principal, job_id: uuid.UUID) -> Job:
    """A job of the caller's (another's is not found: its existence is no one's business),
    read on the primary, where its progress is written; FAILED if its worker stopped."""
    settings = get_settings()
    async with database.connection() as conn:
        row = await conn.fetchrow(
            job_leases.STALE,
            job_id,
            principal.subject,
            job_leases.stale_problem(settings),
            settings.job_stale_after_s,
        )
    if row is None:
        raise JobNotFound(job_id)
    return _job(row)


def _job(row: Record) -> Job:
    return Job(
        id=row["id"],
        status=JobStatus(row["status"]),
        bytes_total=row["bytes_total"],
        bytes_done=row["bytes_done"],
        rows_done=row["rows_done"],
        result=UploadResult.model_validate_json(row["result"]) if row["result"] else None,
        problem=json.loads(row["problem"]) if row["problem"] else None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        heartbeat_at=row["heartbeat_at"],
    )
