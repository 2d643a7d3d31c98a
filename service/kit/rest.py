"""What every REST router shares: the request's session, pages, problem details."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.kit.db import Session, as_problem
from service.kit.errors import ProblemError
from service.kit.idempotency import fingerprint, once
from service.kit.inputs import MAX_PAGE_SIZE, Count, ShortText
from service.kit.links import link_listing, remember_listing
from service.kit.methods import allowed_methods
from service.kit.pagination import Page, PageRequest
from service.kit.write_pipeline import ItemProblemOut
from service.kit.years import FIRST_YEAR, LAST_YEAR

T = TypeVar("T")
PROBLEM_JSON = "application/problem+json"


async def _page_request(
    request: Request,
    response: Response,
    limit: Annotated[
        int | None, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size (1–500, default 100)")
    ] = None,
    offset: Annotated[Count | None, Query(description="Items to skip")] = None,
) -> PageRequest:
    remember_listing(request, response)  # for the Link header of the page it answers
    return PageRequest.of(limit, offset)


PageParams = Annotated[PageRequest, Depends(_page_request)]


def _limit_request(
    limit: Annotated[
        int | None, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size (1–500, default 100)")
    ] = None,
) -> PageRequest:
    return PageRequest.of(limit, None)


# Lists that page by cursor (the changes feed) take a page size and no offset.
LimitParams = Annotated[PageRequest, Depends(_limit_request)]

# The query parameters of every list that reads a region or its subtree.
Region = Annotated[ShortText, Query(description="Region code, e.g. 140500")]
Descendants = Annotated[bool, Query(description="Include the whole subtree")]
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
# Programmes are data: a code is checked against the catalogue per request, so one
# added at run time is a valid filter at once.
ProgrammeCode = Annotated[
    ShortText | None,
    Query(description="Programme code of the catalogue (/programmes), e.g. RENTAL_HOUSING"),
]


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None
    # when the newest item of the page last changed (also the Last-Modified header)
    last_changed: datetime | None = None

    @classmethod
    def of(cls, page: Page[Any]) -> "PageOut[T]":
        link_listing(page)
        return cls(
            items=page.items,
            total=page.total,
            limit=page.limit,
            offset=page.offset,
            next_offset=page.next_offset,
            last_changed=page.last_changed,
        )


def last_modified(response: Response, when: datetime | None) -> None:
    """Freshness for caches and clients: the HTTP date of the newest change shown."""
    if when is not None:
        response.headers["Last-Modified"] = format_datetime(when.astimezone(UTC), usegmt=True)


def fresh(response: Response, page: Page[Any]) -> "PageOut[Any]":
    """A page, with Last-Modified set from its newest item."""
    out: PageOut[Any] = PageOut.of(page)
    last_modified(response, out.last_changed)
    return out


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    instance: str | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Not found"},
    422: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Invalid input"},
    # What any request may meet before it reaches its route: no or a bad token, a token
    # without the scope, a request over a limit, a database that is away or past a
    # timeout. (413 and 429 are declared app-wide with the limits: service.limits.contract.)
    400: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Exceeds a limit"},
    401: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "No valid token"},
    403: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Lacks the scope"},
    503: {
        "model": Problem,
        "content": {PROBLEM_JSON: {}},
        "description": "The database is unreachable or past a timeout; retry after Retry-After",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    },
}


def _problem(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return _problem(exc.status, exc.problem(instance=request.url.path), exc.headers())

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0]
        loc = [p for p in first.get("loc", ()) if p not in ("query", "path", "body", "header")]
        # items[0].value, as the services name an item's field
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        field = field or "request"
        return _problem(
            422,
            {
                "type": "https://anju.exchange/problems/invalid-input",
                "title": "Invalid input",
                "status": 422,
                "detail": f"{field}: {first.get('msg', 'invalid')}",
                "code": "invalid-input",
                "field": field,
                "instance": request.url.path,
            },
        )

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return _problem(
            exc.status_code,
            {
                "type": "about:blank",
                "title": str(exc.detail),
                "status": exc.status_code,
                "detail": str(exc.detail),
                "code": "http-error",
                "instance": request.url.path,
            },
            {"Allow": allowed_methods(request)}
            if exc.status_code == 405
            else dict(exc.headers or {}),
        )

    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        # still logged by the server; the caller gets a problem, never a traceback
        problem = as_problem(exc, getattr(getattr(request.app.state, "db", None), "timeouts", None))
        if problem is not None:
            return await domain_error(request, problem)
        return _problem(
            500,
            {
                "type": "https://anju.exchange/problems/internal",
                "title": "Internal error",
                "status": 500,
                "detail": "the service failed to answer; the error was logged",
                "code": "internal",
                "instance": request.url.path,
            },
        )

    app.add_exception_handler(ProblemError, domain_error)
    app.add_exception_handler(Exception, unexpected_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)


Handler = Callable[..., Any]


IdempotencyKey = Annotated[
    ShortText | None,
    Header(alias="Idempotency-Key", description="Retries with the same key write once"),
]


async def idempotent_write(
    db: Session,
    principal: str,
    key: str | None,
    request: Any,
    run: Callable[[], Awaitable[BaseModel]],
    *,
    status_code: int = 200,
) -> JSONResponse:
    """Run a write once per Idempotency-Key; a retry gets the first answer, marked replayed.

    `request` is what the caller asked (path and body): a key reused for a different
    request is refused rather than answered with the wrong result.
    """

    async def body() -> Any:
        return (await run()).model_dump(mode="json")

    replayed, result = await once(db, principal, key, fingerprint(request), body)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(result, status_code=status_code, headers=headers)


class WriteProblem(Problem):
    """A refused write; with several problems, every item's (service.kit.write_pipeline)."""

    errors: list[ItemProblemOut] | None = None


# What a write may answer besides PROBLEM_RESPONSES.
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {
        "model": Problem,
        "content": {PROBLEM_JSON: {}},
        "description": "Not the caller's to write",
    },
    409: {
        "model": WriteProblem,
        "content": {PROBLEM_JSON: {}},
        "description": "Conflicts with the data",
    },
    422: {
        "model": WriteProblem,
        "content": {PROBLEM_JSON: {}},
        "description": "Invalid input: every item's problem listed",
    },
}
