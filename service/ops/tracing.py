"""OpenTelemetry traces (FastAPI and asyncpg spans) sent to an OTLP/HTTP endpoint.

Off, and not even imported, unless OTEL_EXPORTER_OTLP_ENDPOINT is set; the packages
come with the `otel` extra (`pip install 'anju-exchange[otel]'`). The standard
OTEL_* variables (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, …) apply."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

from service.config import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

SERVICE_NAME = "anju-exchange"


def install(
    app: FastAPI, settings: Settings, exporter: "SpanExporter | None" = None
) -> "TracerProvider | None":
    """Instrument `app` and asyncpg; `exporter` replaces the OTLP one (tests)."""
    endpoint = settings.otel_exporter_otlp_endpoint
    if not endpoint:
        return None
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    if exporter is None:
        # the variable names the collector's base URL; traces go to its /v1/traces
        otlp = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(otlp))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, excluded_urls="/healthz,/readyz,/metrics"
    )
    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)
    return provider
