"""Where verification keys come from: a JWKS URL, a configured public key, or the dev key.

A key decides which algorithms may be used with it; the token's header never does.
"""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from service.auth.errors import KeysUnavailable, Unauthenticated

PublicKey = (
    rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | ed448.Ed448PublicKey
)

_RSA = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
_EC_BY_CURVE = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
# Only public-key algorithms: a shared secret would let every verifier mint tokens.
ASYMMETRIC = _RSA | frozenset(_EC_BY_CURVE.values()) | {"EdDSA"}


def algorithms_for(key: object) -> frozenset[str]:
    """The algorithms this key can verify; empty for a symmetric or unknown key."""
    if isinstance(key, rsa.RSAPublicKey):
        return _RSA
    if isinstance(key, ec.EllipticCurvePublicKey):
        alg = _EC_BY_CURVE.get(key.curve.name)
        return frozenset({alg}) if alg else frozenset()
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return frozenset({"EdDSA"})
    return frozenset()


class KeySource(Protocol):
    def key_for(self, kid: str | None) -> PublicKey:
        """The public key that should have signed a token naming `kid`."""
        ...


def load_public_key(text_or_path: str) -> PublicKey:
    """A PEM public key or certificate, given as the PEM text itself or a file path."""
    text = text_or_path.strip()
    data = (text if text.startswith("-----BEGIN") else Path(text).read_text("ascii")).encode()
    if b"-----BEGIN CERTIFICATE-----" in data:
        key: object = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not algorithms_for(key):
        raise ValueError("the configured JWT public key is not an RSA, EC or EdDSA public key")
    return key  # type: ignore[return-value]  # narrowed by algorithms_for


class StaticKey:
    """One configured key; a token's `kid` is not needed and not consulted."""

    def __init__(self, key: PublicKey) -> None:
        self.key = key

    def key_for(self, kid: str | None) -> PublicKey:
        return self.key


class JwksKeys:
    """Keys from a JWKS endpoint, cached by PyJWKClient.

    On an unknown `kid` PyJWKClient refetches the set once, but only when the last
    fetch is older than `refresh_cooldown` seconds, so a flood of made-up kids cannot
    turn into a flood of requests to the issuer.
    """

    def __init__(self, url: str, *, cache_seconds: float, refresh_cooldown: float) -> None:
        self.client = jwt.PyJWKClient(
            url, lifespan=cache_seconds, cooldown_duration=refresh_cooldown, timeout=10
        )

    def key_for(self, kid: str | None) -> PublicKey:
        if not kid:
            raise Unauthenticated("token names no signing key (kid)", reason="unknown-key")
        try:
            jwk = self.client.get_signing_key(kid)
        except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError) as e:
            raise KeysUnavailable("the token issuer's signing keys could not be read") from e
        except jwt.PyJWKClientError as e:
            raise Unauthenticated("token is signed by an unknown key", reason="unknown-key") from e
        if not algorithms_for(jwk.key):
            raise Unauthenticated(
                "token names a key that is not a public key", reason="unknown-key"
            )
        return jwk.key  # type: ignore[no-any-return]


class LazyKey:
    """A key loaded on first use (the dev key is created on disk only when needed)."""

    def __init__(self, load: Callable[[], PublicKey]) -> None:
        self._load = load
        self._key: PublicKey | None = None
        self._lock = threading.Lock()

    def key_for(self, kid: str | None) -> PublicKey:
        with self._lock:
            if self._key is None:
                self._key = self._load()
            return self._key
