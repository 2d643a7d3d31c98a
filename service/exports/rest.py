"""REST door to exports (files of every dataset) and the bulk upload of figures."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

from service.auth.dependencies import CurrentPrincipal
from service.auth.sessions import ReadDb, WriteDb, request_id
from service.exports import formats, jobs, service, upload
from service.exports.responses import FILE_RESPONSES, file_response
from service.exports.schemas import (
    CellError,
    Dataset,
    ExportFilter,
    FileFormat,
    HeaderLanguage,
    UploadResult,
)
from service.kit.inputs import LongText, ShortText
from service.kit.rest import (
    PROBLEM_JSON,
    PROBLEM_RESPONSES,
    WRITE_RESPONSES,
    Problem,
    ProgrammeCode,
)
from service.kit.years import FIRST_YEAR, LAST_YEAR

router = APIRouter(tags=["exports"], responses=PROBLEM_RESPONSES)


class UploadProblem(Problem):
    """A refused upload: every bad cell (422) or every stale row (409), at once."""

    errors: list[CellError]


_UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    **WRITE_RESPONSES,
    # a refused file names every row; a refused request (no file, a reused
    # Idempotency-Key) is a plain problem
    409: {
        "model": UploadProblem | Problem,
        "content": {PROBLEM_JSON: {}},
        "description": "Rows changed since the file was exported",
    },
    422: {
        "model": UploadProblem | Problem,
        "content": {PROBLEM_JSON: {}},
        "description": "Bad rows and cells, each named",
    },
}


@router.get(
    "/exports/{dataset}.{fmt}",
    summary="Export a dataset as CSV or XLSX for a region (or its subtree), year, programme",
    response_class=StreamingResponse,
    responses=FILE_RESPONSES,
)
async def export_file(
    request: Request,
    db: ReadDb,
    dataset: Dataset,
    fmt: FileFormat,
    region: Annotated[
        ShortText | None, Query(description="Region code, e.g. 360100; none: every region")
    ] = None,
    descendants: Annotated[bool, Query(description="Include the whole subtree")] = False,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    programme: ProgrammeCode = None,
    headers: Annotated[
        HeaderLanguage, Query(description="Column headers in English (codes) or Chinese")
    ] = HeaderLanguage.EN,
) -> StreamingResponse:
    flt = ExportFilter(
        region=region,
        descendants=descendants,
        year=year,
        programme=programme,
    )
    export = await service.export(db, dataset, flt, headers, fmt)
    return await file_response(export, fmt, request)


@router.post(
    "/uploads/figures",
    summary="Upload figures as CSV or XLSX in the export's layout (all rows or none)",
    response_model=UploadResult,
    responses={
        **_UPLOAD_RESPONSES,
        202: {"model": jobs.Job, "description": "With async=true: the job, at its Location"},
    },
)
async def upload_figures(
    request: Request,
    db: WriteDb,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX")],
    reason: Annotated[LongText, Form(description="Why these figures change; kept in the history")],
    run_async: Annotated[
        bool,
        Query(
            alias="async",
            description="Answer 202 at once and run the upload as a job (GET its Location)",
        ),
    ] = False,
) -> Response:
    # The body was spooled to a temporary file as it arrived; it is read from there
    # as a stream of rows (service.exports.reading), never whole.
    head = await file.read(8)
    await file.seek(0)
    fmt = formats.detect(head, file.filename, file.content_type)
    if run_async:
        job = await jobs.start(
            request.app.state.db, principal, reason, file.file, fmt, request_id(request)
        )
        return JSONResponse(
            job.model_dump(mode="json"),
            status_code=202,
            headers={"Location": request.url_for("upload_job", job_id=str(job.id)).path},
        )
    result = await upload.figures_file(db, principal, reason, file.file, fmt)
    result = result.model_copy(update={"request_id": request_id(request)})
    return JSONResponse(result.model_dump(mode="json"))


@router.get(
    "/jobs/{job_id}",
    summary="An upload job of the caller's: status, bytes and rows done, result or problem",
)
async def upload_job(request: Request, principal: CurrentPrincipal, job_id: uuid.UUID) -> jobs.Job:
    return await jobs.get(request.app.state.db, principal, job_id)
