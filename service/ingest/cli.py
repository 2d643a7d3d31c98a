"""`anju import FILE`: what it did, table by table, or one line saying what is wrong.

Never a traceback: every problem a document or the database can have is a one-line
message on stderr and a non-zero exit code (1: the document cannot be loaded; 2: no
such file). On a terminal a progress bar follows the stages: reading, the database,
each table, the consistency report.
"""

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

import asyncpg

from service.commands.progress import Advance, stages
from service.ingest import load, seedfile
from service.ingest.errors import SeedError
from service.ingest.importers import parse_seed_text
from service.ingest.records import SeedData

NO_FILE, NOT_LOADED = 2, 1
# read, database ready, each table loaded, checked
STAGES = 2 + load.LOAD_STAGES + 1


def _fail(message: str) -> None:
    print(f"anju import: {message}", file=sys.stderr)


def read(path: Path) -> SeedData:
    """A seed data file (.json) or a converted document's text."""
    if path.suffix == ".json":
        return seedfile.loads(path.read_text("utf-8"))
    return parse_seed_text(path)


def summary(report: load.LoadReport) -> list[str]:
    what = "imported" if report.new_document else "updated"
    lines = [f"{what} {report.number} as document {report.document_id}"]
    lines += [f"  {table}: {count}" for table, count in report.counts.items()]
    return lines


async def _load(data: SeedData, database_url: str, done: Advance) -> list[str]:
    from service import bootstrap
    from service.kit.db import Session
    from service.oversight import service as oversight

    conn = await asyncpg.connect(database_url)
    try:
        await bootstrap.prepare(conn, seed=False)
        done("database ready")
        async with conn.transaction():
            report = await load.load_document(conn, data, done)
        # every import is checked against what was there: sums, totals, stated values
        checked = await oversight.check_after_import(Session(conn))
        done("checked")
        return summary(report) + checked
    finally:
        await conn.close()


class _Refused(Exception):
    """Why the document was not loaded, in one line."""


def _import(path: Path, database_url: Callable[[], str], done: Advance) -> list[str]:
    try:
        data = read(path)
    except SeedError as error:
        raise _Refused(f"{path}: {error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise _Refused(
            f"{path}: not a document this command reads ({type(error).__name__}: {error})"
        ) from None
    done("read")
    try:
        return asyncio.run(_load(data, database_url(), done))
    except SeedError as error:
        raise _Refused(str(error)) from None
    except (OSError, asyncpg.PostgresError) as error:
        raise _Refused(f"database: {error}") from None


def run_import(path: Path, database_url: Callable[[], str]) -> int:
    """Import the file; the process's exit code."""
    if not path.is_file():
        _fail(f"no such file: {path}")
        return NO_FILE
    try:
        with stages(f"import {path.name}", STAGES) as done:
            lines = _import(path, database_url, done)
    except _Refused as refusal:
        # below the bar, which stays where the import stopped
        _fail(str(refusal))
        return NOT_LOADED
    for line in lines:
        print(line)
    return 0
