"""What the parent of several serving processes does once, before they start.

Each worker builds its own app (pools, caches, loaders are per process); the database
must be one: the parent starts the embedded PostgreSQL if there is no DATABASE_URL,
applies the migrations and loads the seeds, and hands the workers the URL, so that no
two processes start a server in one data folder or race to seed it.
"""

import asyncio
import os

import asyncpg

from service import bootstrap
from service.config import Settings, get_settings
from service.kit.db import start_embedded


def prepare_for_workers(settings: Settings) -> None:
    url = settings.database_url
    if url is None:
        url = start_embedded(settings.data_dir)
        os.environ["DATABASE_URL"] = url
        # public read follows the embedded database, not the URL the workers now get
        if settings.public_read is None:
            os.environ["ANJU_PUBLIC_READ"] = "true"
    if settings.migrate_on_start:
        asyncio.run(_prepare(settings.migrate_database_url or url, seed=settings.seed_on_start))
    # done once here: the workers neither migrate nor seed again
    os.environ["ANJU_MIGRATE_ON_START"] = "false"
    os.environ["ANJU_SEED_ON_START"] = "false"
    get_settings.cache_clear()


async def _prepare(url: str, *, seed: bool) -> None:
    conn = await asyncpg.connect(url)
    try:
        await bootstrap.prepare(conn, seed=seed)
    finally:
        await conn.close()
