"""OpenTelemetry: off and not loaded unless an endpoint is configured; when it is,
requests and their SQL statements become spans. Run in child processes, because
instrumenting asyncpg and setting the tracer provider are process-wide."""

import json
import os
import subprocess
import sys
import textwrap

_OFF = textwrap.dedent(
    """
    import sys
    from service.app import create_app
    create_app()
    # FastAPI itself may import the OpenTelemetry API; the SDK, the exporter and the
    # instrumentations are ours to load
    ours = ("opentelemetry.sdk", "opentelemetry.exporter", "opentelemetry.instrumentation")
    print(sorted(m for m in sys.modules if m.startswith(ours)))
    """
)

_ON = textwrap.dedent(
    """
    import asyncio, json, os
    import httpx
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from service.app import create_app
    from service.config import Settings
    from service.kit.db import Database
    from service.ops import tracing
    from tests.auth.tokens import use_test_keys

    async def main() -> None:
        settings = Settings(_env_file=None, otel_exporter_otlp_endpoint="http://127.0.0.1:4318")
        exporter = InMemorySpanExporter()
        db = await Database.connect(os.environ["DEMO_URL"], max_size=1)
        app = create_app(db)
        use_test_keys(app, public_read=True)  # this process has its own test key
        tracing.install(app, settings, exporter)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/api/v1/regions/360000")
            assert response.status_code == 200, response.text
        await db.close()
        print(json.dumps([(s.name, s.kind.name) for s in exporter.get_finished_spans()]))

    asyncio.run(main())
    """
)


def _run(script: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run(
        [sys.executable, "-c", script], env={**environment, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_nothing_is_imported_without_an_endpoint() -> None:
    assert _run(_OFF) == "[]"


def test_requests_and_statements_become_spans(demo_url: str) -> None:
    spans = json.loads(_run(_ON, DEMO_URL=demo_url))
    assert ["GET /api/v1/regions/{code}", "SERVER"] in spans
    assert any(kind == "CLIENT" and name.upper().startswith("SELECT") for name, kind in spans)
