"""Routes of the pages and of their static assets; none of them is in the contracts."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"
DASHBOARD = STATIC / "dashboard" / "index.html"


def asset_url(request: Request, path: str) -> str:
    """An asset's URL on this host, behind a proxy's path prefix too."""
    return f"{request.scope.get('root_path', '')}{STATIC_PATH}/{path}"


def install_pages(app: FastAPI) -> None:
    """Serves `/` (the dashboard), `/docs`, `/redoc` and `/static/…`. The app is created
    with `docs_url=None, redoc_url=None`, so FastAPI's CDN pages are not served."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="static")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/", include_in_schema=False)
    async def dashboard() -> FileResponse:
        return FileResponse(DASHBOARD, media_type="text/html; charset=utf-8")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} — Swagger UI",
            swagger_js_url=asset_url(request, "vendor/swagger-ui-dist/swagger-ui-bundle.js"),
            swagger_css_url=asset_url(request, "vendor/swagger-ui-dist/swagger-ui.css"),
            swagger_favicon_url=asset_url(request, "vendor/swagger-ui-dist/favicon-32x32.png"),
            oauth2_redirect_url=None,
            # Swagger UI would send the contract to its public validator for a badge
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} — ReDoc",
            redoc_js_url=asset_url(request, "vendor/redoc/redoc.standalone.js"),
            redoc_favicon_url=asset_url(request, "vendor/swagger-ui-dist/favicon-32x32.png"),
            with_google_fonts=False,
        )
