"""Every limit is a setting read from the environment."""

import pytest

from service.config import Settings
from service.limits.schema import GraphQLLimits


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "ANJU_GRAPHQL_MAX_DEPTH": "7",
        "ANJU_GRAPHQL_MAX_ALIASES": "5",
        "ANJU_GRAPHQL_MAX_TOKENS": "2000",
        "ANJU_GRAPHQL_MAX_FRAGMENT_DEPTH": "4",
        "ANJU_GRAPHQL_MAX_COST": "900",
        "ANJU_ENVIRONMENT": "production",
        "ANJU_PERSISTED_QUERIES_ONLY": "true",
    }.items():
        monkeypatch.setenv(name, value)
    limits = GraphQLLimits.of(Settings())
    assert (limits.max_depth, limits.max_aliases, limits.max_tokens) == (7, 5, 2000)
    assert (limits.max_fragment_depth, limits.max_cost) == (4, 900)
    assert limits.production and limits.persisted_queries_only


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for budget in ("READS", "WRITES", "ANONYMOUS_READS"):
        monkeypatch.delenv(f"ANJU_RATE_LIMIT_{budget}", raising=False)
    settings = Settings()
    assert (settings.graphql_max_depth, settings.graphql_max_aliases) == (10, 30)
    assert (settings.graphql_max_tokens, settings.graphql_max_cost) == (10_000, 50_000)
    assert (settings.max_body_bytes, settings.max_upload_body_bytes) == (2**20, 512 * 2**20)
    assert (settings.rate_limit_reads, settings.rate_limit_writes) == (1200, 300)
    assert (settings.rate_limit_anonymous_reads, settings.rate_limit_window_seconds) == (300, 60)
    assert settings.environment == "development"
