"""A real browser on the pages: the system's Chromium, driven by Playwright.

Playwright's Python package talks to any Chromium over its own pipe protocol, so the
tests use the one Debian ships (`executable_path`) and never download a browser. With
no Chromium the browser tests are skipped, unless `ANJU_BROWSER_TESTS=required` (set by
`.ci/run`, which installs Chromium), where a skip would hide that they never ran.
"""

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Request, async_playwright

from service.app import create_app
from service.config import Settings
from tests.live_server import serve

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
LOOPBACK = "127.0.0.1"


def chromium_path() -> str | None:
    if configured := os.environ.get("ANJU_CHROMIUM"):
        return configured
    return next((p for name in CHROMIUM_NAMES if (p := shutil.which(name))), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        reason = "no Chromium installed (apt-get install chromium); .ci/run installs it"
        if os.environ.get("ANJU_BROWSER_TESTS") == "required":
            pytest.fail(f"ANJU_BROWSER_TESTS=required, but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        launched = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture(scope="session")
def live_url(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service on a loopback port over the shared seeded database (the pages only
    read), public read on as on the demo."""
    settings = Settings(
        database_url=demo_url,
        migrate_on_start=False,
        seed_on_start=False,
        public_read=True,
        data_dir=tmp_path_factory.mktemp("pages-data"),
        # every test of the session reads anonymously from 127.0.0.1 on this database,
        # which shares one per-minute budget: a 429 is not what these tests are about
        rate_limit_reads=10**9,
        rate_limit_anonymous_reads=10**9,
    )
    with serve(create_app(settings=settings)) as url:
        yield url


@dataclass
class Visit:
    """A page with every URL it asked for and every script error it met."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def off_loopback(self) -> list[str]:
        """The requests that went to any host but loopback (blob: and data: URLs are the
        page's own memory, named after its origin or nothing)."""
        left = []
        for url in self.requests:
            if url.startswith("data:"):
                continue
            parts = urlsplit(url.removeprefix("blob:"))
            if parts.hostname != LOOPBACK:
                left.append(url)
        return left


@pytest.fixture
async def visit(browser: Browser, live_url: str) -> AsyncIterator[Visit]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    seen = Visit(page, live_url)

    def record(request: Request) -> None:
        seen.requests.append(request.url)

    context.on("request", record)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    try:
        yield seen
    finally:
        await context.close()


def screenshot_copy() -> Path | None:
    """Where to copy the dashboard's screenshot too (`docs/dashboard.png` when refreshing
    the README's image), from ANJU_DASHBOARD_SCREENSHOT."""
    value = os.environ.get("ANJU_DASHBOARD_SCREENSHOT")
    return Path(value) if value else None
