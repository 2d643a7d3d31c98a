"""Bring a database up to date: migrations, the catalogue, and the demo documents."""

import logging
from pathlib import Path

from service.ingest import load, seedfile
from service.kit.db import Connection, Session
from service.kit.migrate import LOCK_KEY, migrate
from service.oversight import service as oversight

log = logging.getLogger(__name__)

SEED_FILES = ("jiangxi-2024-plan.json", "jincheng-2024-report.json")
MILESTONE_FILES = ("jiangxi-2024-milestones.json",)
SEEDS = Path(__file__).resolve().parent / "seeds"


async def prepare(conn: Connection, *, seed: bool) -> None:
    """Under the migrators' lock, held for the session: processes starting together (the
    workers of `anju serve`, replicas) wait for each other, and seeds load once."""
    await conn.execute("select pg_advisory_lock($1)", LOCK_KEY)
    try:
        applied = await migrate(conn)
        if applied:
            log.info("applied migrations %s", ", ".join(applied))
        async with conn.transaction():
            await load.load_catalogue(conn)
            if seed and not await conn.fetchval("select exists (select 1 from documents)"):
                await load_shipped_seeds(conn)
    finally:
        await conn.execute("select pg_advisory_unlock($1)", LOCK_KEY)


async def load_shipped_seeds(conn: Connection) -> None:
    """Load the figures of the two seed documents that the package ships."""
    for name in SEED_FILES:
        data = seedfile.loads((SEEDS / name).read_text(encoding="utf-8"))
        await load.load_document(conn, data)
        log.info("loaded %s", name)
    for name in MILESTONE_FILES:
        milestones = seedfile.read_milestones(SEEDS / name)
        await load.load_milestones(conn, milestones)
    for line in await oversight.check_after_import(Session(conn)):
        log.info("%s", line)
