"""The pages in a real Chromium: each works with nothing but the service itself, and no
request leaves loopback (every URL the browser asked for is recorded)."""

import json
import shutil
from pathlib import Path

from service.pages.graphiql import TOKEN_HINT
from tests.pages.conftest import Visit, screenshot_copy

TIMEOUT_MS = 30_000
CONTRACT = json.loads((Path(__file__).parents[2] / "openapi/openapi.json").read_text())
OPERATIONS = sum(len(methods) for methods in CONTRACT["paths"].values())


async def test_graphiql_runs_the_readme_query(visit: Visit) -> None:
    page = visit.page
    await page.goto(f"{visit.base}/graphql", wait_until="networkidle")
    # the headers tab is open with the token hint
    await page.get_by_text(TOKEN_HINT).first.wait_for(timeout=TIMEOUT_MS)
    async with page.expect_response(
        lambda r: (
            r.url.endswith("/graphql")
            and r.request.method == "POST"
            and "children(level: CITY)" in (r.request.post_data or "")
        ),
        timeout=TIMEOUT_MS,
    ) as answer:
        await page.locator(".graphiql-execute-button").click()
    response = await answer.value
    body = await response.json()
    cities = body["data"]["region"]["children"]
    nanchang = next(c for c in cities if c["code"] == "360100")
    county = next(c for c in nanchang["children"] if c["code"] == "360121")
    assert county["name"] == "南昌县"
    assert county["figures"]["items"] == [
        {
            "indicator": {"nameZh": "保障性租赁住房新开工（筹集）"},
            "unit": "SET_OR_ROOM",
            "target": "1500",
            "actual": None,
            "completionRate": None,
        }
    ]
    # the hint itself is never sent as a header
    assert "authorization" not in response.request.headers
    # the result pane shows it (CodeMirror draws only the lines in view: ask it for all)
    await page.locator(".graphiql-response .CodeMirror").wait_for(timeout=TIMEOUT_MS)
    shown = await page.evaluate(
        "() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"
    )
    assert json.loads(shown) == body
    assert visit.errors == []
    assert visit.off_loopback() == []


async def test_swagger_ui_renders_the_operations(visit: Visit) -> None:
    page = visit.page
    await page.goto(f"{visit.base}/docs", wait_until="networkidle")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/regions/tree")
    await operation.first.wait_for(timeout=TIMEOUT_MS)
    assert await page.locator(".opblock").count() == OPERATIONS
    assert visit.errors == []
    assert visit.off_loopback() == []


async def test_redoc_renders_the_operations(visit: Visit) -> None:
    page = visit.page
    await page.goto(f"{visit.base}/redoc", wait_until="networkidle")
    heading = page.get_by_role("heading", name="The region tree, whole or under one region")
    await heading.first.wait_for(timeout=TIMEOUT_MS)
    assert await page.locator("[data-section-id^='operation/']").count() == OPERATIONS
    assert visit.errors == []
    assert visit.off_loopback() == []


async def test_dashboard_shows_a_county_against_its_targets(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    await page.goto(f"{visit.base}/", wait_until="networkidle")
    tree = page.locator("#regions")
    for name in ("山西省", "晋城市", "泽州县"):
        await tree.get_by_role("link", name=name, exact=True).click()
    await page.locator("#figures tbody tr").nth(7).wait_for(timeout=TIMEOUT_MS)
    await page.locator("#rectification tbody tr").first.wait_for(timeout=TIMEOUT_MS)
    await page.wait_for_load_state("networkidle")

    assert await page.locator("#region-name").inner_text() == "泽州县 140525"
    assert await page.locator("#figures tbody tr").count() == 8
    # the bars: every indicator with a rate, in the API's order, the one laggard in red
    bars = await page.evaluate(
        "() => { const d = Chart.getChart('chart').data;"
        " return [d.labels, d.datasets[0].data, d.datasets[0].backgroundColor]; }"
    )
    assert bars[0] == [
        "续建公共租赁住房基本建成",
        "城镇住房保障家庭租赁补贴发放",
        "棚户区住房改造基本建成",
        "棚户区住房改造竣工",
        "续建棚改安置住房基本建成",
        "保障性安居工程投资",
        "续建项目基本建成（合计）",
    ]
    assert bars[1] == [100, 100, 60.8662, 114.9346, 100, 229, 100]
    assert [i for i, colour in enumerate(bars[2]) if colour == "#c0392b"] == [2]
    laggard = page.locator("#figures tr.laggard")
    assert await laggard.count() == 1
    cells = await laggard.locator("td").all_inner_texts()
    assert cells[2:6] == ["1293", "—", "787", "60.9%"]
    assert "低于 100.0%" in (await laggard.locator("td.laggard").get_attribute("title") or "")

    # every number links to its document's annex, listed below
    actual = laggard.locator("td").nth(4).locator("a")
    assert await actual.get_attribute("title") == "晋市保办字〔2025〕1号 附件1 第74行"
    target = await actual.get_attribute("href")
    assert target == "#source-2-1"
    annex = page.locator(target)
    assert (await annex.inner_text()).startswith("附件1 2024年棚户区改造")
    funds = await page.locator("#funds tbody tr").first.locator("td").all_inner_texts()
    assert funds[1:] == ["9.59", "0.00", "4.39", "5.20", "45.8%"]

    # the download is the export of what is shown
    download = page.locator("#downloads a[data-dataset=figures]")
    href = await download.get_attribute("href")
    assert href == "api/v1/exports/figures.xlsx?region=140525&year=2024&headers=zh"
    xlsx = await page.request.get(f"{visit.base}/{href}")
    assert xlsx.ok
    assert (await xlsx.body())[:2] == b"PK"

    shot = tmp_path / "dashboard.png"
    await page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000
    if (copy := screenshot_copy()) is not None:
        shutil.copyfile(shot, copy)
    assert visit.errors == []
    assert visit.off_loopback() == []


async def test_a_failed_load_leaves_nothing_of_the_region_before(visit: Visit) -> None:
    page = visit.page
    await page.goto(f"{visit.base}/", wait_until="networkidle")
    tree = page.locator("#regions")
    for name in ("山西省", "晋城市"):
        await tree.get_by_role("link", name=name, exact=True).click()
    await page.locator("#figures tbody tr").nth(7).wait_for(timeout=TIMEOUT_MS)
    await page.wait_for_load_state("networkidle")
    assert await page.locator(".chart").is_visible()

    # the county's laggards cannot be had: its load fails half way
    await page.route("**/api/v1/laggards?**", lambda route: route.abort())
    await tree.get_by_role("link", name="泽州县", exact=True).click()
    await page.wait_for_load_state("networkidle")
    assert await page.locator("#region-name").inner_text() == "泽州县 140525"
    assert await page.locator("#figures tbody tr").count() == 0  # not the city's rows
    assert not await page.locator(".chart").is_visible()
    assert (await page.locator("#status").inner_text()) != ""
