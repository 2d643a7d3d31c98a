"""Uploads at scale: every bad row named with its row and column, a refusal listing the
first problems and counting the rest, a 200,000-row file in flat memory, uploads run as
jobs with their progress kept in the database, and `anju upload` on a terminal."""

import asyncio
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
from rich.console import Console

from service.auth.principal import Scope
from service.exports import command, reading
from service.exports.schemas import FileFormat
from service.kit.db import Database
from tests.auth.tokens import bearer, token_for
from tests.exports.test_uploads import snapshot

COUNTY, NEIGHBOUR = "360121", "360124"
RENTAL, PUBLIC = "RENTAL_HOUSING:START:SET_OR_ROOM", "PUBLIC_RENTAL:START:SET"
CLERK_TOKEN = token_for(COUNTY, Scope.FIGURES_READ, Scope.FIGURES_REPORT)
CLERK = bearer(CLERK_TOKEN)
HEADER = "region_code,year,indicator,kind,value,unit,revision\r\n"


async def _post(
    client: httpx.AsyncClient, content: bytes | Any, *, params: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(
        "/api/v1/uploads/figures",
        params=params,
        files={"file": ("figures.csv", content, "text/csv")},
        data={"reason": "月报"},
        headers=CLERK,
    )


def _csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\r\n" for line in lines)).encode()


BAD_ROWS = _csv(
    f"{COUNTY},2024,{RENTAL},ACTUAL,900,,",  # row 2: good
    f"369999,2024,{RENTAL},ACTUAL,5,,",
    f"{COUNTY},2024,NO:SUCH,ACTUAL,5,,",
    f"{COUNTY},2024,{PUBLIC},ACTUAL,1.5,,",
    f"{COUNTY},2024,{RENTAL},ACTUAL,901,HOUSEHOLD,",  # also row 2's figure again
    f"{COUNTY},二〇二四,{PUBLIC},ACTUAL,3,,",
    f"{COUNTY},2024,{PUBLIC},GUESS,3,,",
    f"{COUNTY},2024,{PUBLIC},ACTUAL,-4,,",
    f"{NEIGHBOUR},2024,{PUBLIC},ACTUAL,4,,",
)


def _cell(row: int, column: str | None, cell: str | None, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "cell": cell, "message": message}


async def test_a_file_with_several_bad_rows_gets_every_one_named(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    response = await _post(wclient, BAD_ROWS)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["detail"] == "file: 10 problem(s) in 8 row(s); nothing was written"
    assert problem["errors"] == [
        _cell(3, "region_code", "A3", "no region with code '369999'"),
        _cell(4, "indicator", "C4", "no indicator with code 'NO:SUCH'"),
        _cell(5, "value", "E5", "套 (SET) allows 0 decimal places, got 1.5"),
        _cell(6, "unit", "F6", f"{RENTAL} is counted in 套（间） (SET_OR_ROOM), not HOUSEHOLD"),
        _cell(6, None, None, "the same figure as row 2"),
        _cell(7, "year", "B7", "must be a year between 1990 and 2100"),
        _cell(8, "kind", "D8", "must be one of TARGET, ACTUAL, SUPPLEMENTARY_TARGET"),
        _cell(9, "value", "E9", "must not be negative, got -4"),
        _cell(9, None, None, "the same figure as row 5"),
        _cell(
            10,
            "region_code",
            "A10",
            f"refused: ACTUAL figures of {NEIGHBOUR} are reported by {NEIGHBOUR} only",
        ),
    ]
    assert await snapshot(wdb) == before


@contextmanager
def _peak_rss() -> Iterator[list[int]]:
    """[baseline, peak] resident memory of this process (the app runs in it)."""
    process = psutil.Process()
    seen = [process.memory_info().rss] * 2
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            seen[1] = max(seen[1], process.memory_info().rss)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()


ROWS = 200_000


async def test_200k_rows_stream_through_in_flat_memory_and_the_rest_are_counted(
    wclient: httpx.AsyncClient, wdb: Database, tmp_path: Path
) -> None:
    """Every row names an unknown region: each is checked in the staging table, the
    first 1,000 listed, the other 199,000 counted; Python never holds the file."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        for n in range(ROWS):
            handle.write(f"9{n:05d},2024,{RENTAL},ACTUAL,{n},,\r\n")
    size = path.stat().st_size
    before = await snapshot(wdb)
    with path.open("rb") as handle, _peak_rss() as rss:
        response = await _post(wclient, handle)
    assert response.status_code == 422, response.text[:500]
    problem = response.json()
    assert problem["detail"] == (
        f"file: {ROWS} problem(s), the first 1000 (in 1000 row(s)) listed; nothing was written"
    )
    assert problem["unlisted"] == ROWS - 1000
    assert problem["errors"][0] == _cell(2, "region_code", "A2", "no region with code '900000'")
    assert problem["errors"][-1]["row"] == 1001
    growth = rss[1] - rss[0]
    # the file is ~10 MB; held as parsed rows it would take several times that
    assert growth < max(size, 32 * 1024 * 1024), (growth, size)
    assert await snapshot(wdb) == before


async def _follow(client: httpx.AsyncClient, location: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    for _ in range(200):
        job = (await client.get(location, headers=CLERK)).json()
        seen.append(job)
        if job["status"] in ("DONE", "FAILED"):
            return seen
        await asyncio.sleep(0.05)
    raise AssertionError(seen)


async def test_an_upload_job_goes_from_queued_to_done_and_keeps_its_result(
    wclient: httpx.AsyncClient,
) -> None:
    content = _csv(f"{COUNTY},2024,{RENTAL},ACTUAL,900,,", f"{COUNTY},2024,{PUBLIC},ACTUAL,12,,")
    response = await _post(wclient, content, params={"async": "true"})
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert (job["status"], job["bytes_total"], job["result"]) == ("QUEUED", len(content), None)

    seen = await _follow(wclient, response.headers["Location"])
    statuses = [j["status"] for j in seen]
    assert statuses[-1] == "DONE"
    order = ["QUEUED", "RUNNING", "DONE"]
    assert [order.index(s) for s in statuses] == sorted(order.index(s) for s in statuses)
    done = seen[-1]
    assert (done["bytes_done"], done["rows_done"]) == (len(content), 2)
    result = done["result"]
    assert (result["rows"], result["written"], result["unchanged"], result["years"]) == (
        2,
        2,
        0,
        [2024],
    )
    assert result["request_id"] == response.headers["X-Request-ID"]
    figure = await wclient.get(f"/api/v1/regions/{COUNTY}/figures/2024/{PUBLIC}")
    assert figure.json()["actual"] == "12"

    # a job is its owner's: anyone else is told there is none
    other = bearer(token_for(NEIGHBOUR, Scope.FIGURES_READ, Scope.FIGURES_REPORT))
    stranger = await wclient.get(response.headers["Location"], headers=other)
    assert (stranger.status_code, stranger.json()["code"]) == (404, "job-not-found")


async def test_a_refused_upload_job_keeps_the_problem(
    wclient: httpx.AsyncClient, wdb: Database
) -> None:
    before = await snapshot(wdb)
    response = await _post(wclient, BAD_ROWS, params={"async": "true"})
    assert response.status_code == 202, response.text
    done = (await _follow(wclient, response.headers["Location"]))[-1]
    assert (done["status"], done["result"]) == ("FAILED", None)
    problem = done["problem"]
    assert (problem["status"], problem["code"]) == (422, "upload-invalid")
    assert len(problem["errors"]) == 10
    assert await snapshot(wdb) == before


async def _upload(wclient: httpx.AsyncClient, path: Path, console: Console) -> dict[str, Any]:
    """`anju upload` of `path` as the county's clerk, through the test app."""
    return await command.upload(
        path,
        "月报",
        url="http://test",
        token=CLERK_TOKEN,
        console=console,
        transport=wclient._transport,
        poll_s=0.05,
    )


async def test_the_command_shows_progress_and_the_result(
    wclient: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(_csv(f"{COUNTY},2024,{RENTAL},ACTUAL,905,,"))
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    result = await _upload(wclient, path, console)
    assert command.summary(result) == "1 rows: 1 written, 0 unchanged (years written: 2024)"
    shown = out.getvalue()
    assert "figures.csv" in shown and "1 rows" in shown


async def test_the_command_says_a_refusal_in_one_line(
    wclient: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(BAD_ROWS)
    console = Console(file=io.StringIO())
    try:
        await _upload(wclient, path, console)
    except command.UploadFailed as failure:
        said = str(failure)
    else:
        raise AssertionError("the upload went through")
    assert said == (
        "file: 10 problem(s) in 8 row(s); nothing was written"
        " (first: row 3, region_code: no region with code '369999')"
    )


async def test_the_command_exits_non_zero_without_a_traceback(tmp_path: Path, capfd: Any) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(_csv(f"{COUNTY},2024,{RENTAL},ACTUAL,905,,"))
    # nothing listens on port 9 (discard) of the loopback
    status = await asyncio.to_thread(command.run, str(path), "月报", "http://127.0.0.1:9", None)
    assert status == 1
    err = capfd.readouterr().err
    assert err.startswith("anju upload: ConnectError") and err.count("\n") == 1, err
    assert "Traceback" not in err


async def test_both_workbook_readers_read_an_export_alike(wclient: httpx.AsyncClient) -> None:
    """python-calamine (whole, fast) and openpyxl (streamed, past the size setting) give
    the same rows and the same cell text the staging table takes."""
    response = await wclient.get(
        "/api/v1/exports/figures.xlsx?region=360100&descendants=true&year=2024"
    )
    content = response.content

    def read(in_memory_max_bytes: int) -> list[tuple[int, list[str]]]:
        rows = reading.rows(
            io.BytesIO(content), FileFormat.XLSX, in_memory_max_bytes=in_memory_max_bytes
        )
        return [(n, [reading.text(c) for c in cells]) for n, cells in rows]

    fast, streamed = read(len(content)), read(0)
    assert len(fast) > 50
    assert fast == streamed
