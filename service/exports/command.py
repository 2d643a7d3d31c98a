"""`anju upload FILE`: sends a figure file to a running service as a job and shows its
progress on the terminal; a refusal is one line and a non-zero exit, never a traceback."""

import asyncio
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeElapsedColumn

from service.commands.progress import terminal_progress

_POLL_S = 0.5


class UploadFailed(Exception):
    """What the user is told, in one line."""


async def upload(
    path: Path,
    reason: str,
    *,
    url: str,
    token: str | None,
    console: Console,
    transport: httpx.AsyncBaseTransport | None = None,
    poll_s: float = _POLL_S,
) -> dict[str, Any]:
    """Send the file as a job, follow it to its end; its result, or UploadFailed."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(
        base_url=url, headers=headers, transport=transport, timeout=600
    ) as client:
        with path.open("rb") as handle:
            answer = await client.post(
                "/api/v1/uploads/figures",
                params={"async": "true"},
                files={"file": (path.name, handle)},
                data={"reason": reason},
            )
        if answer.status_code != 202:
            raise UploadFailed(_said(answer.json() if _is_json(answer) else {}, answer))
        location = answer.headers["Location"]
        job = answer.json()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[rows]:,} rows"),
            TimeElapsedColumn(),
        )
        with terminal_progress(*columns, console=console) as bar:
            task = bar.add_task(path.name, total=job["bytes_total"] or None, rows=0)
            while job["status"] in ("QUEUED", "RUNNING"):
                await asyncio.sleep(poll_s)
                polled = await client.get(location)
                if polled.status_code != 200:
                    raise UploadFailed(_said(polled.json() if _is_json(polled) else {}, polled))
                job = polled.json()
                bar.update(task, completed=job["bytes_done"], rows=job["rows_done"])
    if job["status"] == "FAILED":
        raise UploadFailed(_said(job["problem"] or {}, None))
    result: dict[str, Any] = job["result"]
    return result


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _said(problem: dict[str, Any], response: httpx.Response | None) -> str:
    """A problem in one line: its detail, and the first bad cell if it lists any."""
    detail = problem.get("detail") or (
        f"HTTP {response.status_code}" if response is not None else "the upload failed"
    )
    errors = problem.get("errors") or []
    if errors:
        first = errors[0]
        where = f"row {first['row']}" + (f", {first['column']}" if first.get("column") else "")
        detail += f" (first: {where}: {first['message']})"
    return str(detail)


def run(path: str, reason: str, url: str, token: str | None) -> int:
    """The command's exit status: 0 written, 1 refused or failed, 130 interrupted."""
    console, errors = Console(), Console(stderr=True)
    try:
        # the bar on stderr: stdout is the result's line
        result = asyncio.run(upload(Path(path), reason, url=url, token=token, console=errors))
    except UploadFailed as failure:
        errors.print(f"anju upload: {failure}", markup=False, highlight=False)
        return 1
    except KeyboardInterrupt:
        errors.print("anju upload: interrupted: the job goes on in the service", markup=False)
        return 130
    except (OSError, httpx.HTTPError) as error:
        errors.print(f"anju upload: {type(error).__name__}: {error}", markup=False, highlight=False)
        return 1
    console.print(summary(result), markup=False, highlight=False)
    return 0


def summary(result: dict[str, Any]) -> str:
    years = ", ".join(str(y) for y in result["years"]) or "none"
    return (
        f"{result['rows']:,} rows: {result['written']:,} written,"
        f" {result['unchanged']:,} unchanged (years written: {years})"
    )
