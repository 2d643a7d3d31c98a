"""The pages over HTTP, without a browser: each names only assets the service serves
itself, the assets are shipped with their licences at the pinned versions, and none of
the pages is part of the API's contract."""

import re
from pathlib import Path

import httpx
import pytest

from service.kit.db import Database
from service.pages.graphiql import README_QUERY
from service.pages.install import STATIC
from tests.limits.conftest import app_client

REPO = Path(__file__).resolve().parents[2]
HTML = {"Accept": "text/html"}
ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")
PAGES = {
    "/docs": {
        "/openapi.json",
        "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui-dist/swagger-ui.css",
        "/static/vendor/swagger-ui-dist/favicon-32x32.png",
    },
    "/redoc": {
        "/openapi.json",
        "/static/vendor/redoc/redoc.standalone.js",
        "/static/vendor/swagger-ui-dist/favicon-32x32.png",
    },
    "/graphql": {
        "data:,",
        "/static/vendor/graphiql/graphiql.min.css",
        "/static/vendor/graphiql/graphiql.min.js",
        "/static/vendor/react/react.production.min.js",
        "/static/vendor/react-dom/react-dom.production.min.js",
    },
    "/": {
        "data:,",
        "graphql",
        "docs",
        "redoc",
        "static/dashboard/dashboard.css",
        "static/dashboard/dashboard.js",
        "static/vendor/chart.js/chart.umd.min.js",
    },
}


async def _page(client: httpx.AsyncClient, path: str) -> str:
    response = await client.get(path, headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


@pytest.mark.parametrize("path", PAGES)
async def test_a_page_names_only_its_own_assets(client: httpx.AsyncClient, path: str) -> None:
    html = await _page(client, path)
    openapi = re.findall(r"url: '([^']+)'|spec-url=\"([^\"]+)\"", html)
    named = set(ASSET.findall(html)) | {u for pair in openapi for u in pair if u}
    assert named == PAGES[path]
    assert "://" not in html  # no other host, not even in a script
    for asset in named - {"data:,", "graphql", "docs", "redoc"}:
        answer = await client.get(f"/{asset.lstrip('/')}")
        assert answer.status_code == 200, asset


async def test_swagger_ui_sends_nothing_to_a_validator(client: httpx.AsyncClient) -> None:
    assert '"validatorUrl": null' in await _page(client, "/docs")


async def test_graphiql_opens_on_the_readme_query_with_a_token_hint(
    client: httpx.AsyncClient,
) -> None:
    html = await _page(client, "/graphql")
    assert README_QUERY in (REPO / "README.md").read_text(encoding="utf-8")
    assert "defaultQuery: " + '"{\\n  region(code: \\"360000\\") {' in html
    assert 'defaultHeaders: "{\\"Authorization\\": \\"Bearer …\\"}"' in html


async def test_production_keeps_the_docs_and_the_dashboard(db: Database) -> None:
    async with app_client(db, environment="production") as client:
        pages = {path: (await client.get(path, headers=HTML)).status_code for path in PAGES}
    assert pages == {"/docs": 200, "/redoc": 200, "/graphql": 404, "/": 200}


async def test_the_pages_are_not_in_the_contract(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"/", "/docs", "/redoc", "/static"} & set(paths) == set()


def test_every_vendored_library_keeps_its_licence_at_its_pinned_version() -> None:
    script = (STATIC / "vendor" / "refresh.sh").read_text(encoding="utf-8")
    pins = re.findall(r'^\s+"((@?[^@\s]+)@[^\s"]+) ', script, re.MULTILINE)
    assert [name for _, name in pins] == [
        "graphiql",
        "react",
        "react-dom",
        "swagger-ui-dist",
        "redoc",
        "chart.js",
    ]
    for spec, name in pins:
        folder = STATIC / "vendor" / name
        assert (folder / "VERSION").read_text().strip() == spec
        assert any(f.name.startswith("LICENSE") for f in folder.iterdir()), name
