"""Tokens and principals for tests, signed by one throwaway key per test session.

headers = bearer(token_for("360121", Scope.FIGURES_REPORT))
headers = clerk_headers("360121")  # the usual reporting clerk
use_test_keys(app)              # the app then accepts exactly these tokens
county_clerk("360121")          # a Principal, for service-level tests
"""

from functools import cache
from typing import Any

from fastapi import FastAPI

from service.auth import devkeys
from service.auth.devkeys import SigningKey
from service.auth.keys import StaticKey
from service.auth.principal import Principal, Scope
from service.auth.tokens import TokenVerifier

# The service's defaults, so these tokens also pass a verifier built from Settings().
ISSUER = "anju-dev"
AUDIENCE = "anju-exchange"


@cache
def session_key() -> SigningKey:
    return devkeys.generate("EC")


def token_for(
    region: str,
    *scopes: Scope,
    key: SigningKey | None = None,
    subject: str | None = None,
    ttl: int = 3600,
    now: float | None = None,
    **claims: Any,
) -> str:
    """A valid token for `region` with `scopes`; `claims` override or add claims."""
    return devkeys.issue_token(
        key or session_key(),
        region_code=region,
        scopes=scopes,
        subject=subject or f"test-{region}",
        issuer=ISSUER,
        audience=AUDIENCE,
        ttl=ttl,
        now=now,
        extra=claims,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def clerk_headers(region: str) -> dict[str, str]:
    """Request headers of a clerk who reads and reports the region's figures."""
    return bearer(token_for(region, Scope.FIGURES_READ, Scope.FIGURES_REPORT))


def verifier_for(key: SigningKey | None = None, **options: Any) -> TokenVerifier:
    options = {"issuer": ISSUER, "audience": AUDIENCE, **options}
    return TokenVerifier(StaticKey((key or session_key()).public_key()), **options)


def use_test_keys(app: FastAPI, *, public_read: bool = False) -> None:
    """Make an app (after `install_auth`) accept tokens from `token_for`."""
    app.state.verifier = verifier_for()
    app.state.public_read = public_read


def principal(region: str, *scopes: Scope, subject: str | None = None) -> Principal:
    return Principal(subject or f"test-{region}", region, frozenset(scopes))


# The usual roles. Planners of provinces and cities assign targets and report their own.
def county_clerk(region: str) -> Principal:
    return principal(region, Scope.FIGURES_READ, Scope.FIGURES_REPORT)


def planner(region: str) -> Principal:
    return principal(region, Scope.FIGURES_READ, Scope.FIGURES_REPORT, Scope.TARGETS_ASSIGN)


def auditor(region: str) -> Principal:
    return principal(region, Scope.FIGURES_READ, Scope.AUDIT_READ, Scope.RECTIFICATION_RECORD)


def reader(region: str) -> Principal:
    return principal(region, Scope.FIGURES_READ)


def catalogue_admin(region: str) -> Principal:
    return principal(region, Scope.FIGURES_READ, Scope.CATALOGUE_ADMIN)
