"""Settings, read from the environment (and a `.env` file if present)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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

    # GraphQL documents whose parse and validation are kept per process (LRU), so a
    # query that clients send again costs neither.
    graphql_document_cache_size: int = Field(default=1000, ge=1)
    # `anju serve` processes; None: one per core (`--workers` overrides it)
    workers: int | None = Field(default=None, ge=1)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @field_validator("jwt_algorithms", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return (
            [a.strip() for a in value.split(",") if a.strip()] if isinstance(value, str) else value
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
