"""Wires FastAPI, the GraphQL router and the database lifespan."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import RequestResponseEndpoint
from strawberry.fastapi import GraphQLRouter

from service import bootstrap
from service.auth import policy
from service.auth.dependencies import CurrentPrincipal, install_auth
from service.auth.principal import Scope
from service.auth.sessions import request_id, write_session
from service.catalogue.rest import router as catalogue_router
from service.changes.rest import router as changes_router
from service.config import Settings, get_settings
from service.documents.rest import router as documents_router
from service.exports.rest import router as exports_router
from service.figures.rest import router as figures_router
from service.funds.rest import router as funds_router
from service.graphql_schema import schema
from service.kit.db import Database, start_embedded
from service.kit.errors import ProblemError
from service.kit.graphql import Context
from service.kit.read_routing import route_reads
from service.kit.rest import install_problem_handlers
from service.loans.rest import router as loans_router
from service.milestones.rest import router as milestones_router
from service.oversight.rest import router as oversight_router
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


async def _request_id(request: Request, call_next: RequestResponseEndpoint) -> Response:
    """Every request gets an id (the caller's X-Request-ID if it sent one): it is stamped
    on every change the request writes and echoed in the response."""
    rid = request.headers.get("x-request-id") or uuid.uuid4().hex
    request.state.request_id = rid[:100]
    response = await call_next(request)
    response.headers["X-Request-ID"] = request.state.request_id
    return response


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
        try:
            yield
        finally:
            await database.close()

    app = FastAPI(
        title="Anju Exchange",
        version="1.0.0",
        summary="Figures of the affordable-housing programmes (保障性安居工程)",
        lifespan=lifespan,
    )
    if db is not None:
        app.state.db = db
    install_problem_handlers(app)
    install_auth(app, settings)
    app.middleware("http")(_request_id)
    app.middleware("http")(route_reads)
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
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(
        GraphQLRouter(schema, context_getter=_context, graphql_ide="graphiql"), prefix="/graphql"
    )
    return app
