"""REST door to exports (files of every dataset) and the bulk upload of figures."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import StreamingResponse

from service.auth.dependencies import CurrentPrincipal
from service.auth.sessions import ReadDb, WriteDb, request_id
from service.exports import formats, service, upload
from service.exports.responses import FILE_RESPONSES, file_response
from service.exports.schemas import (
    CellError,
    Dataset,
    ExportFilter,
    FileFormat,
    HeaderLanguage,
    UploadResult,
)
from service.kit.errors import InvalidInput
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

# An upload is held whole while it is validated; 20 MiB is ~100k rows of CSV.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


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
    return await file_response(export, fmt)


@router.post(
    "/uploads/figures",
    summary="Upload figures as CSV or XLSX in the export's layout (all rows or none)",
    response_model=UploadResult,
    responses=_UPLOAD_RESPONSES,
)
async def upload_figures(
    request: Request,
    db: WriteDb,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX")],
    reason: Annotated[LongText, Form(description="Why these figures change; kept in the history")],
) -> UploadResult:
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput("file", f"at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB per upload")
    fmt = formats.detect(content, file.filename, file.content_type)
    result = await upload.figures_file(db, principal, reason, content, fmt)
    return result.model_copy(update={"request_id": request_id(request)})
