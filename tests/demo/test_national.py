"""The national dataset at test scale (one year, 2024): every region and indicator
filled with synthetic figures that say so, never mixed with the real ones, consistent
with themselves; and the plans of the hot reads over it."""

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import asyncpg
import httpx
import pytest

from service.demo import national
from service.figures import service as figures
from service.figures.schemas import FigureFilter
from service.kit.db import Database, Session, _init_connection
from service.kit.pagination import PageRequest
from service.oversight import ranking, scorecard, trends
from service.oversight import service as oversight
from service.oversight.schemas import ConsistencyFilter, RankingQuery
from service.regions.schemas import RegionLevel
from tests.conftest import _client, _copy
from tests.plans import explain

HEBEI = "130000"
SHIJIAZHUANG_CHANGAN = "130102"
RENTAL_START = "RENTAL_HOUSING:START:SET_OR_ROOM"


@pytest.fixture(scope="module")
async def national_url(server_url: str, template_name: str) -> AsyncIterator[str]:
    async for url in _copy(server_url, template_name):
        conn = await asyncpg.connect(url)
        try:
            loaded = await national.load(conn, years=1, seed=7)
        finally:
            await conn.close()
        assert loaded.figures > 100_000
        yield url


@pytest.fixture
async def nconn(national_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(national_url)
    await _init_connection(conn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def nclient(national_url: str) -> AsyncIterator[httpx.AsyncClient]:
    database = await Database.connect(national_url, max_size=2)
    try:
        async with _client(database) as client:
            yield client
    finally:
        await database.close()


async def test_every_region_and_indicator_has_synthetic_figures(
    nconn: asyncpg.Connection,
) -> None:
    outside = await nconn.fetchval(
        """with recursive real_tree as (
               select code from regions where code in ('360000', '140000')
               union all select r.code from regions r join real_tree t on r.parent_code = t.code)
           select count(*) from regions where code not in (select code from real_tree)"""
    )
    filled = await nconn.fetchval(
        """select count(distinct f.region_code) from figures f
           join documents d on d.id = f.document_id
           where f.year = 2024 and d.issuer = $1""",
        national.SYNTHETIC_ISSUER,
    )
    # every region but those of Jiangxi's and Shanxi's trees, which have real 2024 figures
    assert filled == outside == 3103
    assert await nconn.fetchval(
        "select count(distinct indicator_id) from figures where year = 2024"
    ) == await nconn.fetchval("select count(*) from indicators")
    # history: one imported revision per synthetic value
    assert (
        await nconn.fetchval(
            "select count(*) from figures f where not exists"
            " (select 1 from figure_revisions v where v.figure_id = f.id)"
        )
        == 0
    )


async def test_real_figures_are_never_mixed_with_synthetic_ones(
    nconn: asyncpg.Connection,
) -> None:
    sources = await nconn.fetch(
        """with recursive real_tree as (
               select code from regions where code in ('360000', '140000')
               union all select r.code from regions r join real_tree t on r.parent_code = t.code)
           select distinct d.number from figures f
           left join documents d on d.id = f.document_id
           where f.year = 2024 and f.region_code in (select code from real_tree)
           order by 1"""
    )
    assert [r["number"] for r in sources] == ["晋市保办字〔2025〕1号", "赣建保〔2024〕3号"]


async def test_the_source_says_synthetic(nclient: httpx.AsyncClient) -> None:
    response = await nclient.get(
        "/api/v1/figures", params={"region": SHIJIAZHUANG_CHANGAN, "year": 2024}
    )
    assert response.status_code == 200
    items = response.json()["items"]
    numbers = {v["source"]["document_number"] for f in items for v in f["values"]}
    assert numbers == {"合成演示数据〔2024〕130000号"}
    documents = (await nclient.get("/api/v1/documents", params={"region": HEBEI})).json()
    (document,) = [d for d in documents["items"] if d["number"] == "合成演示数据〔2024〕130000号"]
    assert "非真实数据" in document["title"]


async def test_synthetic_figures_agree_with_themselves(nconn: asyncpg.Connection) -> None:
    report = await oversight.report(Session(nconn), ConsistencyFilter(region=HEBEI, year=2024))
    assert report.summary.checked == 1806  # parents vs children, totals vs parts
    assert (report.summary.mismatches, report.summary.rounding_differences) == (0, 0)


async def test_loading_twice_is_refused(nconn: asyncpg.Connection) -> None:
    with pytest.raises(national.AlreadyLoaded):
        await national.load(nconn, years=1)


async def test_hot_reads_scan_no_figure_they_do_not_return(nconn: asyncpg.Connection) -> None:
    nation = [r["code"] for r in await nconn.fetch("select code from regions")]
    county_level = RankingQuery(
        parent=HEBEI, level=RegionLevel.COUNTY, indicator=RENTAL_START, year=2024
    )
    reads = {
        "one county": lambda db: figures.for_region(
            db, SHIJIAZHUANG_CHANGAN, FigureFilter(year=2024), PageRequest(100, 0)
        ),
        "a subtree": lambda db: figures.for_region(
            db,
            HEBEI,
            FigureFilter(year=2024, programme="RENTAL_HOUSING"),
            PageRequest(500, 0),
            descendants=True,
        ),
        "the nested tree": lambda db: figures.for_regions(
            db, nation[:400], FigureFilter(year=2024, kind=None), PageRequest(100, 0)
        ),
        "the nation, one indicator": lambda db: figures.for_regions(
            db, nation, FigureFilter(year=2024, indicator=RENTAL_START), PageRequest(100, 0)
        ),
        "rankings": lambda db: ranking.ranking(db, county_level),
        "laggards": lambda db: ranking.laggards(
            db, county_level, below=Decimal(90), as_of=date(2024, 12, 31)
        ),
        "consistency": lambda db: oversight.report(db, ConsistencyFilter(region=HEBEI, year=2024)),
        "a scorecard": lambda db: scorecard.scorecard(db, SHIJIAZHUANG_CHANGAN, 2024),
        "trends": lambda db: trends.trends(db, SHIJIAZHUANG_CHANGAN, 2015, 2024),
    }
    for name, read in reads.items():
        statements = await explain(nconn, read)
        scans = [s for e in statements for s in e.of("figures")]
        assert scans, name
        assert {s.node for s in scans} <= {"Index Scan", "Index Only Scan", "Bitmap Heap Scan"}, (
            name
        )
        assert sum(s.removed for s in scans) == 0, name
