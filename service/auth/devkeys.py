"""The development key pair in `<data_dir>/keys/` and the tokens it signs.

With no JWKS URL or public key configured, the service verifies with this key, so
`anju serve` and `anju token issue` work together out of the box.
"""

import base64
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from service.auth.principal import Scope

KEY_FILE = "dev-signing-key.pem"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
# RFC 7638: the members hashed for a key's thumbprint, by key type
_THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}


@dataclass(frozen=True)
class SigningKey:
    private_key: PrivateKey

    @property
    def algorithm(self) -> str:
        return "ES256" if isinstance(self.private_key, ec.EllipticCurvePrivateKey) else "RS256"

    def public_key(self) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    def public_pem(self) -> str:
        return (
            self.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )

    def _bare_jwk(self) -> dict[str, Any]:
        key = self.public_key()
        if isinstance(key, ec.EllipticCurvePublicKey):
            return dict(ECAlgorithm.to_jwk(key, as_dict=True))
        return dict(RSAAlgorithm.to_jwk(key, as_dict=True))

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint: stable for the key, different for any other."""
        jwk = self._bare_jwk()
        members = {m: jwk[m] for m in _THUMBPRINT_MEMBERS[jwk["kty"]]}
        digest = hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def jwk(self) -> dict[str, Any]:
        return {**self._bare_jwk(), "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk()]}

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def generate(kind: Literal["EC", "RSA"] = "EC") -> SigningKey:
    if kind == "RSA":
        return SigningKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return SigningKey(ec.generate_private_key(ec.SECP256R1()))


def load_or_create(data_dir: Path) -> SigningKey:
    """The dev key in `data_dir/keys/`, created on first use (readable by the owner only)."""
    path = data_dir / "keys" / KEY_FILE
    if not path.exists():
        _create_once(path, generate().private_pem())
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path} holds neither an RSA nor an EC private key")
    return SigningKey(key)


def _create_once(path: Path, content: bytes) -> None:
    """Write `path` whole or not at all: `serve` and `token issue` may race on first use."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.link(tmp, path)  # fails if another process got there first; theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def issue_token(
    key: SigningKey,
    *,
    region_code: str,
    scopes: Iterable[Scope],
    subject: str,
    issuer: str,
    audience: str,
    ttl: int = 3600,
    now: float | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """A signed access token with the claims the service requires (scope space-delimited)."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "region": region_code,
        "scope": " ".join(sorted({Scope(s).value for s in scopes})),
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "jti": uuid.uuid4().hex,
        **(extra or {}),
    }
    return jwt.encode(claims, key.private_key, algorithm=key.algorithm, headers={"kid": key.kid})
