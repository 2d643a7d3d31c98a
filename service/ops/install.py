"""Everything operators see, wired into the app in one call."""

from fastapi import FastAPI

from service.accesslog.recorder import AccessRecorder
from service.config import Settings
from service.ops import metrics, tracing
from service.ops.observe import RequestObserver
from service.ops.rest import router


def install_ops(app: FastAPI, settings: Settings) -> None:
    """/healthz, /readyz, /metrics; request ids, metrics, access log lines and records;
    traces when configured. Call it after the other middleware, so that the observer
    is the outermost and sees every answer (a 429 of a rate limiter too)."""
    app.state.metrics = metrics.Recorder(settings.metrics_max_graphql_operations)
    app.state.readiness_timeout_seconds = settings.readiness_timeout_seconds
    app.state.access_log = AccessRecorder(
        lambda: getattr(app.state, "db", None),
        role=settings.write_role,
        batch_rows=settings.access_log_batch_rows,
        interval_seconds=settings.access_log_flush_seconds,
        max_buffered=settings.access_log_max_buffered,
    )
    app.include_router(router)
    tracing.install(app, settings)
    app.add_middleware(
        RequestObserver, recorder=app.state.access_log, metrics_recorder=app.state.metrics
    )
