"""Settings, read from the environment (and a `.env` file if present)."""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from service.kit.db import Timeouts
from service.kit.replicas import ReplicaPolicy


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANJU_", env_file=".env", extra="ignore")

    # No DATABASE_URL: an embedded PostgreSQL is started in `data_dir`.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "ANJU_DATABASE_URL")
    )
    # Optional replica that takes the reads.
    read_database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("READ_DATABASE_URL", "ANJU_READ_DATABASE_URL")
    )
    # The tables' owner, for migrations; the service itself should log in as a role
    # that owns nothing (a member of anju_app). Defaults to DATABASE_URL.
    migrate_database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MIGRATE_DATABASE_URL", "ANJU_MIGRATE_DATABASE_URL"),
    )
    data_dir: Path = Path(".anju-data")
    host: str = "127.0.0.1"
    port: int = 8000
    max_page_size: int = 500
    default_page_size: int = 100
    # Load the shipped seed documents into an empty database at start-up.
    seed_on_start: bool = True
    pool_max_size: int = 10
    # How long a request may wait on the database before a 503 with Retry-After.
    statement_timeout_ms: int = Field(default=5_000, ge=1)
    lock_timeout_ms: int = Field(default=2_000, ge=1)
    # An export is one COPY statement streaming every row: a national one may run minutes.
    export_statement_timeout_ms: int = Field(default=600_000, ge=1)
    # PostgreSQL's work_mem for that COPY: its sort stays in memory instead of on disk.
    export_work_mem_mb: int = Field(default=256, ge=1)
    # How often a workbook being built asks whether its client is still there (it stops
    # when not); CSV streams and stops at once.
    export_disconnect_poll_s: float = Field(default=0.5, gt=0)
    pool_acquire_timeout_s: float = Field(default=2.0, gt=0)
    connect_timeout_s: float = Field(default=2.0, gt=0)
    # Read replica (READ_DATABASE_URL): a read carrying X-Anju-Min-LSN waits this long for
    # the replica to replay that write, then reads from the primary.
    replica_lsn_wait_ms: int = Field(default=500, ge=0, le=10_000)
    # A replica that does not accept a connection within this is taken for down ...
    replica_connect_timeout_s: float = Field(default=0.5, gt=0)
    # ... and reads stay on the primary this long before the replica is tried again.
    replica_probe_interval_s: float = Field(default=5.0, gt=0)
    # Apply migrations when the service starts: right for the one-process demo; off for
    # replicas, which leave that to the one-shot `anju db migrate`.
    migrate_on_start: bool = True
    # Writes run as this role, which owns no table, so row-level security applies.
    write_role: str = Field(default="anju_app", pattern=r"^[a-z_][a-z0-9_]*$")

    # Bearer tokens. With neither a JWKS URL nor a public key (PEM text or a file path),
    # tokens signed by the dev key in `data_dir/keys/` are accepted (`anju token issue`).
    jwks_url: str | None = None
    jwt_public_key: str | None = None
    jwt_issuer: str = "anju-dev"
    jwt_audience: str = "anju-exchange"
    # Comma-separated; asymmetric only (never `none`, never HS*).
    jwt_algorithms: Annotated[list[str], NoDecode] = ["RS256", "ES256"]
    jwt_leeway_seconds: float = Field(default=30, ge=0, le=300)
    jwks_cache_seconds: float = Field(default=300, gt=0)
    # An unknown `kid` refetches the JWKS at most once per this many seconds.
    jwks_refresh_cooldown_seconds: float = Field(default=30, ge=0)
    # Reads without a token, as an anonymous figures:read principal; writes still need one.
    # None: on for the embedded demo database, off when DATABASE_URL is set
    public_read: bool | None = None

    # production: introspection and GraphiQL off, error details masked, the persisted-query
    # allow-list enforceable. development: everything open for people trying the service.
    environment: Literal["development", "production"] = "development"

    # Operations: logs, metrics, readiness, traces and the access log (README, Operations).
    # JSON log lines on stderr from this level up (`anju serve`).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # GraphQL operation names are metric labels chosen by clients: past this many distinct
    # names per process, the others are counted as "other".
    metrics_max_graphql_operations: int = Field(default=200, ge=0)
    # /readyz answers 503 when the database has not answered within this many seconds.
    readiness_timeout_seconds: float = Field(default=2, gt=0)
    # Access records are written in batches: every this many seconds, or this many rows.
    access_log_flush_seconds: float = Field(default=1, gt=0)
    access_log_batch_rows: int = Field(default=500, ge=1)
    # Records kept in memory while the database is unreachable; past it the oldest go
    # (counted in anju_access_log_dropped_total).
    access_log_max_buffered: int = Field(default=50_000, ge=1)
    # OTLP/HTTP collector (the standard variable); unset: no tracing, nothing imported.
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "OTEL_EXPORTER_OTLP_ENDPOINT", "ANJU_OTEL_EXPORTER_OTLP_ENDPOINT"
        ),
    )

    # What one request may cost, decided before any work (0 turns a rate limit off).
    # GraphQL: deepest field nesting, aliases, lexical tokens, and nodes a query may ask
    # for (a list's `limit`, or its nominal size, multiplies everything below it).
    graphql_max_depth: int = Field(default=10, ge=1)
    graphql_max_aliases: int = Field(default=30, ge=0)
    graphql_max_tokens: int = Field(default=10_000, ge=100)
    # Fragments spreading fragments: chains longer than this are refused unwalked.
    graphql_max_fragment_depth: int = Field(default=20, ge=1, le=200)
    graphql_max_cost: int = Field(default=50_000, ge=1)
    # Request bodies, counted as they stream in; uploads have their own, larger limit.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_upload_body_bytes: int = Field(default=512 * 1024 * 1024, ge=1024)
    # Trusted operations: a JSON file {sha256 hex: query}. With `persisted_queries_only`,
    # production refuses every other query (development keeps GraphiQL open).
    persisted_queries_path: Path | None = None
    persisted_queries_only: bool = False
    # Requests per window and principal (token subject), reads and writes apart;
    # anonymous reads are counted per client address. Counters live in PostgreSQL.
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    rate_limit_reads: int = Field(default=1200, ge=0)
    rate_limit_writes: int = Field(default=300, ge=0)
    rate_limit_anonymous_reads: int = Field(default=300, ge=0)
    # Each worker adds its counts to the shared table every this many seconds, and counts
    # the last `rate_limit_exact_last` requests of a budget (at least a tenth) at once.
    rate_limit_flush_seconds: float = Field(default=0.1, gt=0, le=10)
    rate_limit_exact_last: int = Field(default=10, ge=0)

    # JSON request bodies nested deeper than this are refused (400) before they are parsed.
    max_json_depth: int = Field(default=32, ge=1, le=1000)

    # GraphQL documents whose parse and validation are kept per process (LRU), so a
    # query that clients send again costs neither.
    graphql_document_cache_size: int = Field(default=1000, ge=1)
    # Queries within the compiled subset (regions and figures) answered by one SQL
    # statement that builds the JSON; off: every query runs field by field.
    graphql_compile: bool = True
    # `anju serve` processes; None: one per core (`--workers` overrides it)
    workers: int | None = Field(default=None, ge=1)
    # Freeze what start-up made out of the garbage collector's reach (service/ops/heap.py).
    gc_freeze: bool = True

    # Figure uploads (streamed into a staging table, checked in SQL, all or nothing).
    # Data rows one file may hold.
    upload_max_rows: int = Field(default=2_000_000, ge=1)
    # Bad cells listed in a refusal; the rest are counted.
    upload_max_errors: int = Field(default=1_000, ge=1)
    # Rows parsed and sent to the database per COPY.
    upload_batch_rows: int = Field(default=20_000, ge=1)
    # The statements of an upload check and write a whole file: minutes for a million rows.
    upload_statement_timeout_ms: int = Field(default=600_000, ge=1)
    # Memory of each sort and hash of an upload's statements: at the server's default
    # (4 MB) a 100,000-row check spills its sets to disk (a fifth of the write's time).
    upload_work_mem_mb: int = Field(default=64, ge=1)
    # Workbooks up to this size are read whole by python-calamine (fast, ~14 bytes of memory
    # per byte of file); larger ones are streamed by openpyxl (flat memory, ~20x slower).
    upload_xlsx_in_memory_max_bytes: int = Field(default=8 * 1024 * 1024, ge=0)

    # Batches of fund movements, loan disbursements and rectification records: the items
    # one request may write (each checked and written with the others, all or none).
    write_max_items: int = Field(default=500, ge=1)
    # Upload jobs: a running worker stamps its job's heartbeat this often; a job whose
    # heartbeat is older than `job_stale_after_s` is FAILED (its worker stopped).
    job_heartbeat_s: float = Field(default=5.0, gt=0)
    job_stale_after_s: float = Field(default=60.0, gt=0)
    # Finished jobs (DONE or FAILED) are deleted this long after they last changed; the
    # sweep that fails stale jobs and deletes old ones runs this often in every process.
    job_retention_s: float = Field(default=7 * 24 * 3600.0, gt=0)
    job_sweep_interval_s: float = Field(default=300.0, gt=0)

    # Browser apps allowed to call the API from another origin (CORS), comma-separated
    # origins such as https://dashboard.example.gov.cn; empty: no CORS headers at all.
    cors_origins: Annotated[list[str], NoDecode] = []
    # How long a browser may reuse a preflight's answer.
    cors_max_age_seconds: int = Field(default=600, ge=0, le=86_400)
    # Oversight: the rate (percent) under which a region lags on its scorecard, per kind
    # of measure; the defaults are the Jincheng report's own criteria: a task not fully
    # completed, central subsidies under half spent, special loans under 90% disbursed.
    laggard_below_completion: Decimal = Field(default=Decimal(100), ge=0)
    laggard_below_expenditure: Decimal = Field(default=Decimal(50), ge=0)
    laggard_below_disbursement: Decimal = Field(default=Decimal(90), ge=0)
    laggard_below_rectification: Decimal = Field(default=Decimal(100), ge=0)
    # The widest range of years a trends query may span.
    max_trend_years: int = Field(default=30, ge=1, le=200)

    # Response cache (service/cache): reads answered from memory while the data version
    # is unchanged; its size in bytes (LRU). Compression from this size of answer up.
    response_cache: bool = True
    response_cache_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    compress_min_bytes: int = Field(default=1024, ge=0)
    # Last-Modified is sent (and If-Modified-Since answered) only once the newest commit
    # is this old: a write still committing may carry its second (decision 0013)
    last_modified_settle_seconds: float = Field(default=2, ge=0)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def timeouts(self) -> Timeouts:
        return Timeouts(
            statement_ms=self.statement_timeout_ms,
            lock_ms=self.lock_timeout_ms,
            acquire_s=self.pool_acquire_timeout_s,
            connect_s=self.connect_timeout_s,
        )

    def replica_policy(self) -> ReplicaPolicy:
        return ReplicaPolicy(
            lsn_wait_ms=self.replica_lsn_wait_ms,
            connect_s=self.replica_connect_timeout_s,
            probe_s=self.replica_probe_interval_s,
        )

    @field_validator("jwt_algorithms", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return (
            [a.strip() for a in value.split(",") if a.strip()] if isinstance(value, str) else value
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
