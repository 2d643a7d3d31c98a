"""Wires FastAPI, the GraphQL router and the database lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter

from service import bootstrap
from service.catalogue.rest import router as catalogue_router
from service.config import Settings, get_settings
from service.figures.rest import router as figures_router
from service.graphql_schema import schema
from service.kit.db import Database, start_embedded
from service.kit.graphql import Context
from service.kit.rest import ReadDb, install_problem_handlers
from service.regions.rest import router as regions_router

API_PREFIX = "/api/v1"


async def _context(db: ReadDb) -> Context:
    return Context(db)


def create_app(db: Database | None = None, settings: Settings | None = None) -> FastAPI:
    """The application; tests pass a ready `db`, otherwise the lifespan opens one."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if db is not None:
            yield
            return
        url = settings.database_url or start_embedded(settings.data_dir)
        database = await Database.connect(
            url, settings.read_database_url, max_size=settings.pool_max_size
        )
        async with database.write_pool.acquire() as conn:
            await bootstrap.prepare(conn, seed=settings.seed_on_start)
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
    for router in (regions_router, figures_router, catalogue_router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(
        GraphQLRouter(schema, context_getter=_context, graphql_ide="graphiql"), prefix="/graphql"
    )
    return app
