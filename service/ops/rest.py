"""Operators' endpoints, outside /api/v1 and without a token: liveness, readiness, metrics."""

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from service.kit.rest import PROBLEM_JSON, Problem
from service.ops import metrics, readiness

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    migration: str  # the newest migration applied


_NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {
        "model": Problem,
        "content": {PROBLEM_JSON: {}},
        "description": "Not ready: the database is unreachable or migrations are pending",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    }
}


@router.get("/healthz", summary="Liveness: the process answers (the database is not asked)")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: the database answers and every migration is applied",
    responses=_NOT_READY,
)
async def readyz(request: Request) -> Ready:
    database = getattr(request.app.state, "db", None)
    version = await readiness.check(database, request.app.state.readiness_timeout_seconds)
    return Ready(status="ready", migration=version)


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def prometheus_metrics(request: Request) -> Response:
    observer: metrics.Recorder = request.app.state.metrics
    observer.sample_pools(getattr(request.app.state, "db", None), force=True)
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
