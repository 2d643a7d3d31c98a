"""Settings, read from the environment (and a `.env` file if present)."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    data_dir: Path = Path(".anju-data")
    host: str = "127.0.0.1"
    port: int = 8000
    max_page_size: int = 500
    default_page_size: int = 100
    # Load the shipped seed documents into an empty database at start-up.
    seed_on_start: bool = True
    pool_max_size: int = 10


@lru_cache
def get_settings() -> Settings:
    return Settings()
