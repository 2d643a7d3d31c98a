"""The app with compiled reads on or off, for comparing the two paths."""

import httpx

from service.app import create_app
from service.auth.principal import Scope
from service.config import Settings
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for, use_test_keys


def app_client(db: Database, *, compile: bool) -> httpx.AsyncClient:
    app = create_app(db, Settings(graphql_compile=compile, response_cache=False))
    use_test_keys(app)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


READER = bearer(token_for("360000", Scope.FIGURES_READ, subject="test-reader"))
