"""FastAPI dependencies: the caller's principal, and one alias per scope.

A route declares what it needs once, in its signature: `principal: Reporter`. The
finer rules (which region) are the service's, through `service.auth.policy`.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from service.auth import policy
from service.auth.errors import MissingToken, Unauthenticated
from service.auth.principal import ANONYMOUS, Principal, Scope
from service.auth.tokens import TokenVerifier, build_verifier
from service.config import Settings

# auto_error=False: we answer in problem+json ourselves; it still documents the scheme.
_bearer = HTTPBearer(auto_error=False, description="JWT access token")


def install_auth(app: FastAPI, settings: Settings) -> None:
    """Build the verifier once per app; tests may replace `app.state.verifier` after."""
    app.state.verifier = build_verifier(settings)
    app.state.public_read = (
        settings.public_read if settings.public_read is not None else settings.database_url is None
    )

    # RFC 6750: a 401 names the scheme the client should use.
    async def unauthenticated(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Unauthenticated)
        challenge = 'Bearer realm="anju-exchange"'
        if not isinstance(exc, MissingToken):
            challenge += ', error="invalid_token"'
        return JSONResponse(
            exc.problem(instance=request.url.path),
            status_code=exc.status,
            media_type="application/problem+json",
            headers={"WWW-Authenticate": challenge},
        )

    app.add_exception_handler(Unauthenticated, unauthenticated)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    """The verified caller; the anonymous reader when public read is on and no token came."""
    verifier: TokenVerifier | None = getattr(request.app.state, "verifier", None)
    if verifier is None:
        raise RuntimeError("service.auth.dependencies.install_auth(app, settings) was not called")
    if credentials is None:
        if request.headers.get("authorization"):
            raise Unauthenticated(
                "the Authorization header must hold a Bearer token", reason="malformed"
            )
        if getattr(request.app.state, "public_read", False):
            # ANONYMOUS holds figures:read only: a route needing more answers 401.
            request.state.principal = ANONYMOUS
            return ANONYMOUS
        raise MissingToken()
    # A JWKS fetch is blocking I/O; keep it off the event loop.
    principal = await run_in_threadpool(verifier.verify, credentials.credentials)
    # noted for the access log and the access log lines (service.ops.observe)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(scope: Scope) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency giving the caller if it holds `scope` (401 anonymous, else 403)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        policy.require_scope(principal, scope)
        return principal

    dependency.__name__ = f"require_{scope.name.lower()}"
    return dependency


Reader = Annotated[Principal, Depends(require(Scope.FIGURES_READ))]
Reporter = Annotated[Principal, Depends(require(Scope.FIGURES_REPORT))]
Assigner = Annotated[Principal, Depends(require(Scope.TARGETS_ASSIGN))]
RectificationRecorder = Annotated[Principal, Depends(require(Scope.RECTIFICATION_RECORD))]
AuditReader = Annotated[Principal, Depends(require(Scope.AUDIT_READ))]
Admin = Annotated[Principal, Depends(require(Scope.CATALOGUE_ADMIN))]
