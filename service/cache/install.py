"""The response cache, validators and compression, wired into the app in one call."""

from fastapi import FastAPI
from starlette.middleware import Middleware

from service.cache.middleware import ResponseCaching
from service.cache.requests import GraphQLReads
from service.cache.store import ResponseStore
from service.config import Settings


def install_cache(app: FastAPI, settings: Settings) -> None:
    """Innermost, whenever it is called: under the body limits and read routing (so the
    data version is read where the request's reads go) and the request observer."""
    store = (
        ResponseStore(settings.response_cache_bytes)
        if settings.response_cache and settings.response_cache_bytes > 0
        else None
    )
    app.state.response_store = store
    graphql = GraphQLReads(settings.graphql_document_cache_size, settings.graphql_max_tokens)
    app.user_middleware.append(
        Middleware(
            ResponseCaching,
            store=store,
            graphql=graphql,
            min_compress_bytes=settings.compress_min_bytes,
            settle_seconds=settings.last_modified_settle_seconds,
        )
    )
