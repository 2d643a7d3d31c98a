"""Bearer-token verification: signature, issuer, audience, validity window, required claims.

The allowed algorithms come from configuration, narrowed to those the key can verify;
the token's own `alg` header is only ever a reason to refuse, never a choice.
"""

import logging
import re
from collections.abc import Iterable
from typing import Any

import jwt

from service.auth import devkeys
from service.auth.errors import Unauthenticated
from service.auth.keys import (
    ASYMMETRIC,
    JwksKeys,
    KeySource,
    LazyKey,
    StaticKey,
    algorithms_for,
    load_public_key,
)
from service.auth.principal import Principal, Scope
from service.config import Settings

log = logging.getLogger(__name__)

DEFAULT_ALGORITHMS = ("RS256", "ES256")
REQUIRED_CLAIMS = ("sub", "exp", "iss", "aud", "region", "scope")
# Real tokens are well under 2 KB; refusing huge ones early costs nothing.
MAX_TOKEN_CHARS = 8192
_REGION_CODE = re.compile(r"^[0-9A-Za-z-]{1,32}$")

# PyJWT's refusals, from the most specific: (exception, reason, detail)
_REFUSALS: tuple[tuple[type[jwt.PyJWTError], str, str], ...] = (
    (jwt.ExpiredSignatureError, "expired", "token has expired"),
    (jwt.ImmatureSignatureError, "not-yet-valid", "token is not valid yet"),
    (jwt.InvalidAudienceError, "wrong-audience", "token is meant for another audience"),
    (
        jwt.InvalidIssuerError,
        "wrong-issuer",
        "token comes from an issuer this service does not trust",
    ),
    (jwt.MissingRequiredClaimError, "missing-claim", "token lacks a required claim"),
    (jwt.InvalidSignatureError, "bad-signature", "token signature does not verify"),
    (jwt.InvalidAlgorithmError, "algorithm", "token algorithm is not allowed"),
    (jwt.InvalidKeyError, "algorithm", "token algorithm does not fit the key"),
    (jwt.DecodeError, "malformed", "token is malformed"),
)


def check_algorithms(names: Iterable[str]) -> frozenset[str]:
    """The configured allow-list, refusing `none` and shared-secret (HS*) algorithms."""
    allowed = frozenset(names)
    refused = sorted(allowed - ASYMMETRIC)
    if refused or not allowed:
        raise ValueError(
            f"JWT algorithms {refused or '(none given)'} are not allowed; "
            f"choose among {sorted(ASYMMETRIC)}"
        )
    return allowed


class TokenVerifier:
    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
        leeway: float = 30,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.algorithms = check_algorithms(algorithms)
        self.leeway = leeway

    def verify(self, token: str) -> Principal:
        """The principal a token names, or Unauthenticated. May block (JWKS fetch)."""
        if len(token) > MAX_TOKEN_CHARS:
            raise Unauthenticated("token is too long", reason="malformed")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as e:
            raise Unauthenticated("token is malformed", reason="malformed") from e
        alg, kid = header.get("alg"), header.get("kid")
        # Checked before any key lookup, so `alg=none` or HS* never reach the JWKS endpoint.
        if alg not in self.algorithms:
            raise Unauthenticated("token algorithm is not allowed", reason="algorithm")
        if kid is not None and not isinstance(kid, str):
            raise Unauthenticated("token is malformed", reason="malformed")
        key = self.keys.key_for(kid)
        usable = self.algorithms & algorithms_for(key)
        if alg not in usable:
            raise Unauthenticated("token algorithm does not fit the key", reason="algorithm")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=sorted(usable),
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as e:
            raise _refusal(e) from e
        return principal_from_claims(claims)


def _refusal(error: jwt.PyJWTError) -> Unauthenticated:
    for kind, reason, detail in _REFUSALS:
        if isinstance(error, kind):
            if isinstance(error, jwt.MissingRequiredClaimError):
                detail = f"token lacks the '{error.claim}' claim"
            return Unauthenticated(detail, reason=reason)
    return Unauthenticated("token is not valid", reason="invalid")


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """`scope` is the OAuth space-delimited string; a list of strings is accepted too."""
    subject, region, scope = claims["sub"], claims["region"], claims["scope"]
    if not isinstance(subject, str) or not subject:
        raise Unauthenticated("token has an invalid 'sub' claim", reason="invalid-claim")
    if not isinstance(region, str) or not _REGION_CODE.match(region):
        raise Unauthenticated("token has an invalid 'region' claim", reason="invalid-claim")
    if isinstance(scope, str):
        names = scope.split()
    elif isinstance(scope, list) and all(isinstance(s, str) for s in scope):
        names = scope
    else:
        raise Unauthenticated("token has an invalid 'scope' claim", reason="invalid-claim")
    return Principal(subject=subject, region_code=region, scopes=Scope.parse_known(names))


def build_verifier(settings: Settings) -> TokenVerifier:
    """The verifier for this deployment: JWKS URL, else public key, else the dev key."""
    keys: KeySource
    if settings.jwks_url and settings.jwt_public_key:
        raise ValueError("configure either ANJU_JWKS_URL or ANJU_JWT_PUBLIC_KEY, not both")
    if settings.jwks_url:
        keys = JwksKeys(
            settings.jwks_url,
            cache_seconds=settings.jwks_cache_seconds,
            refresh_cooldown=settings.jwks_refresh_cooldown_seconds,
        )
    elif settings.jwt_public_key:
        keys = StaticKey(load_public_key(settings.jwt_public_key))
    else:
        log.warning(
            "no ANJU_JWKS_URL or ANJU_JWT_PUBLIC_KEY: accepting tokens signed by the"
            " development key in %s (see `anju token issue`)",
            settings.data_dir / "keys",
        )
        data_dir = settings.data_dir
        keys = LazyKey(lambda: devkeys.load_or_create(data_dir).public_key())
    return TokenVerifier(
        keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        algorithms=settings.jwt_algorithms,
        leeway=settings.jwt_leeway_seconds,
    )
