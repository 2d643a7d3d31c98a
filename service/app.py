"""Wires FastAPI, the GraphQL router and the database lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import Depends, FastAPI, Request

from service import bootstrap
from service.accesslog.rest import router as access_log_router
from service.auth import policy
from service.auth.dependencies import CurrentPrincipal, install_auth
from service.auth.principal import Scope
from service.auth.sessions import request_id, write_session
from service.cache.install import install_cache
from service.catalogue.rest import router as catalogue_router
from service.changes.rest import router as changes_router
from service.config import Settings, get_settings
from service.documents.rest import router as documents_router
from service.exports.rest import router as exports_router
from service.figures.rest import router as figures_router
from service.funds.rest import router as funds_router
from service.kit.cors import install_cors
from service.kit.db import Database, start_embedded
from service.kit.errors import ProblemError
from service.kit.graphql import Context
from service.kit.head_requests import HeadAsGet
from service.kit.json_depth import JsonDepthLimit
from service.kit.openapi_doc import install_openapi
from service.kit.operation_ids import operation_id
from service.kit.read_routing import RouteReads
from service.kit.rest import install_problem_handlers
from service.limits.contract import LIMIT_RESPONSES
from service.limits.install import install_limits
from service.limits.rates import rate_limit
from service.limits.schema import graphql_router
from service.loans.rest import router as loans_router
from service.milestones.rest import router as milestones_router
from service.ops import heap
from service.ops.install import install_ops
from service.oversight.rest import router as oversight_router
from service.pages.install import install_pages
from service.periods.rest import router as periods_router
from service.rectification.rest import router as rectification_router
from service.regions.rest import router as regions_router

API_PREFIX = "/api/v1"


async def _context(request: Request, principal: CurrentPrincipal) -> AsyncIterator[Context]:
    database: Database = request.app.state.db
    refusal: ProblemError | None = None
    try:
        policy.require_scope(principal, Scope.FIGURES_READ)
    except ProblemError as error:
        refusal = error
    async with database.lazy_session() as db:
        yield Context(
            db,
            database=database,
            principal=principal,
            request_id=request_id(request),
            open_write=lambda: write_session(database, principal, request_id(request)),
            read_refusal=refusal,
        )


def create_app(db: Database | None = None, settings: Settings | None = None) -> FastAPI:
    """The application; tests pass a ready `db`, otherwise the lifespan opens one."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if db is not None:
            yield
            return
        url = settings.database_url or start_embedded(settings.data_dir)
        if settings.migrate_on_start:
            owner = await asyncpg.connect(settings.migrate_database_url or url)
            try:
                await bootstrap.prepare(owner, seed=settings.seed_on_start)
            finally:
                await owner.close()
        database = await Database.connect(
            url,
            settings.read_database_url,
            max_size=settings.pool_max_size,
            timeouts=settings.timeouts(),
            replica=settings.replica_policy(),
        )
        app.state.db = database
        heap.settle(settings)
        try:
            yield
        finally:
            await database.close()

    app = FastAPI(
        title="Anju Exchange",
        version="1.0.0",
        summary="Figures of the affordable-housing programmes (保障性安居工程)",
        lifespan=lifespan,
        responses=LIMIT_RESPONSES,
        generate_unique_id_function=operation_id,
        # /docs and /redoc are served by install_pages from the package's own assets
        docs_url=None,
        redoc_url=None,
    )
    if db is not None:
        app.state.db = db
    install_problem_handlers(app)
    install_auth(app, settings)
    install_limits(app, settings)
    # rate limits: before any route's own work (GraphQL is charged per operation), on the
    # API only — not on the operators' /healthz, /readyz and /metrics
    rate_limited = [Depends(rate_limit)]
    app.add_middleware(JsonDepthLimit, max_depth=settings.max_json_depth)
    app.add_middleware(RouteReads)
    # first: routes are matched in order, and the API's busiest path should not be
    # tried against every REST route before its own (6% of a small query's time)
    app.include_router(
        graphql_router(settings, _context),
        prefix="/graphql",
        dependencies=rate_limited,
        include_in_schema=False,  # a GraphQL endpoint, described by schema.graphql
    )
    for router in (
        regions_router,
        figures_router,
        catalogue_router,
        funds_router,
        loans_router,
        rectification_router,
        documents_router,
        milestones_router,
        periods_router,
        changes_router,
        oversight_router,
        exports_router,
        access_log_router,
    ):
        app.include_router(router, prefix=API_PREFIX, dependencies=rate_limited)
    # Response cache, ETag / Last-Modified / 304, compression: the innermost middleware.
    install_cache(app, settings)
    # HTTP conventions for browsers and generic clients: HEAD on every GET, CORS.
    app.add_middleware(HeadAsGet)
    install_cors(app, settings.cors_origins, settings.cors_max_age_seconds)
    install_openapi(app)
    # Request ids (a caller's only if a plain token), metrics, logs, access log, traces,
    # /healthz, /readyz, /metrics. Last, so that its middleware is the outermost.
    install_ops(app, settings)
    # the dashboard at /, /docs, /redoc and their assets: nothing from another host
    install_pages(app)
    return app
