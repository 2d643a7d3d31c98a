"""`anju import FILE`: what it did, table by table, or one line saying what is wrong.

Never a traceback: every problem a document or the database can have is a one-line
message on stderr and a non-zero exit code (1: the document cannot be loaded; 2: no
such file).
"""

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

import asyncpg

from service.ingest import load, seedfile
from service.ingest.errors import SeedError
from service.ingest.importers import parse_seed_text
from service.ingest.records import SeedData

NO_FILE, NOT_LOADED = 2, 1


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


async def _load(data: SeedData, database_url: str) -> list[str]:
    from service import bootstrap
    from service.kit.db import Session
    from service.oversight import service as oversight

    conn = await asyncpg.connect(database_url)
    try:
        await bootstrap.prepare(conn, seed=False)
        async with conn.transaction():
            report = await load.load_document(conn, data)
        # every import is checked against what was there: sums, totals, stated values
        return summary(report) + await oversight.check_after_import(Session(conn))
    finally:
        await conn.close()


def run_import(path: Path, database_url: Callable[[], str]) -> int:
    """Import the file; the process's exit code."""
    if not path.is_file():
        _fail(f"no such file: {path}")
        return NO_FILE
    try:
        data = read(path)
    except SeedError as error:
        _fail(f"{path}: {error}")
        return NOT_LOADED
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        _fail(f"{path}: not a document this command reads ({type(error).__name__}: {error})")
        return NOT_LOADED
    try:
        lines = asyncio.run(_load(data, database_url()))
    except SeedError as error:
        _fail(str(error))
        return NOT_LOADED
    except (OSError, asyncpg.PostgresError) as error:
        _fail(f"database: {error}")
        return NOT_LOADED
    for line in lines:
        print(line)
    return 0
