"""Versioned SQL migrations: files in service/migrations applied once, in name order."""

from pathlib import Path

from service.kit.db import Connection

# Any constant; serialises concurrent migrators (two replicas starting together).
LOCK_KEY = 7_441_001


def migration_files() -> list[tuple[str, str]]:
    folder = Path(__file__).resolve().parents[1] / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


async def migrate(conn: Connection) -> list[str]:
    """Apply pending migrations; return the versions applied."""
    applied: list[str] = []
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", LOCK_KEY)
        await conn.execute(
            "create table if not exists schema_migrations ("
            " version text primary key, applied_at timestamptz not null default now())"
        )
        done = {r["version"] for r in await conn.fetch("select version from schema_migrations")}
        for version, sql in migration_files():
            if version in done:
                continue
            await conn.execute(sql)
            await conn.execute("insert into schema_migrations (version) values ($1)", version)
            applied.append(version)
    return applied
