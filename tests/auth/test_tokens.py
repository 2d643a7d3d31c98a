"""Token verification: each attack is refused with its own 401 reason; a good token passes."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest

from service.auth.devkeys import SigningKey
from service.auth.errors import Unauthenticated
from service.auth.principal import Principal, Scope
from service.auth.tokens import REQUIRED_CLAIMS, TokenVerifier, check_algorithms
from tests.auth.tokens import AUDIENCE, ISSUER, token_for, verifier_for


def claims(**changes: Any) -> dict[str, Any]:
    """Good claims; a change to None removes the claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "clerk-1",
        "region": "360121",
        "scope": "figures:read figures:report",
        "iat": now,
        "exp": now + 600,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def sign(key: SigningKey, body: dict[str, Any], **header: Any) -> str:
    return jwt.encode(
        body, key.private_key, algorithm=key.algorithm, headers={"kid": key.kid, **header}
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unsigned(header: dict[str, Any], body: dict[str, Any], signature: bytes = b"") -> str:
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(body).encode())
    return head + "." + _b64(signature)


def refused(verifier: TokenVerifier, token: str) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as caught:
        verifier.verify(token)
    problem = caught.value.problem()
    assert problem["status"] == 401
    assert problem["code"] == "invalid-token"
    assert not token or token not in json.dumps(problem)
    return caught.value


def test_a_valid_token_names_the_principal(verifier: TokenVerifier, key: SigningKey) -> None:
    assert verifier.verify(sign(key, claims())) == Principal(
        "clerk-1", "360121", frozenset({Scope.FIGURES_READ, Scope.FIGURES_REPORT})
    )


def test_token_for_gives_the_region_and_scopes(verifier: TokenVerifier) -> None:
    principal = verifier.verify(token_for("360100", Scope.TARGETS_ASSIGN, Scope.FIGURES_READ))
    assert principal.region_code == "360100"
    assert principal.scopes == {Scope.TARGETS_ASSIGN, Scope.FIGURES_READ}


def test_rsa_keys_work_too(rsa_key: SigningKey) -> None:
    principal = verifier_for(rsa_key).verify(token_for("360121", Scope.FIGURES_READ, key=rsa_key))
    assert principal.scopes == {Scope.FIGURES_READ}


def test_alg_none_is_refused(verifier: TokenVerifier) -> None:
    token = unsigned({"alg": "none", "typ": "JWT"}, claims())
    assert refused(verifier, token).reason == "algorithm"
    assert refused(verifier, token.rstrip(".") + ".").reason == "algorithm"


@pytest.mark.parametrize("kind", ["EC", "RSA"])
def test_hs256_signed_with_the_public_pem_is_refused(
    kind: str, key: SigningKey, rsa_key: SigningKey
) -> None:
    """The classic confusion: the public key's PEM used as an HMAC secret."""
    signer = key if kind == "EC" else rsa_key
    header = {"alg": "HS256", "typ": "JWT", "kid": signer.kid}
    head = unsigned(header, claims()).rsplit(".", 1)[0]
    mac = hmac.new(signer.public_pem().encode(), head.encode(), hashlib.sha256).digest()
    error = refused(verifier_for(signer), head + "." + _b64(mac))
    assert error.reason == "algorithm"


@pytest.mark.parametrize("algorithms", [["HS256"], ["RS256", "none"], ["ES256", "HS512"], []])
def test_shared_secret_and_none_algorithms_cannot_be_configured(algorithms: list[str]) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        check_algorithms(algorithms)


def test_an_algorithm_that_does_not_fit_the_key_is_refused(
    key: SigningKey, rsa_key: SigningKey
) -> None:
    # an RS256 token presented to a verifier whose key is EC
    assert refused(verifier_for(key), token_for("360121", key=rsa_key)).reason == "algorithm"


def test_an_algorithm_left_out_of_the_allow_list_is_refused(key: SigningKey) -> None:
    verifier = verifier_for(key, algorithms=["RS256"])
    assert refused(verifier, token_for("360121")).reason == "algorithm"


def test_expired_is_refused_beyond_the_leeway(verifier: TokenVerifier, key: SigningKey) -> None:
    now = int(time.time())
    error = refused(verifier, sign(key, claims(iat=now - 600, exp=now - 31)))
    assert (error.reason, error.detail) == ("expired", "token has expired")
    assert verifier.verify(sign(key, claims(iat=now - 600, exp=now - 20))).subject == "clerk-1"


def test_not_yet_valid_is_refused_beyond_the_leeway(
    verifier: TokenVerifier, key: SigningKey
) -> None:
    now = int(time.time())
    assert refused(verifier, sign(key, claims(nbf=now + 120))).reason == "not-yet-valid"
    assert verifier.verify(sign(key, claims(nbf=now + 20))).subject == "clerk-1"


def test_leeway_is_configurable(key: SigningKey) -> None:
    now = int(time.time())
    assert refused(verifier_for(leeway=0), sign(key, claims(exp=now - 5))).reason == "expired"


def test_wrong_issuer_is_refused(verifier: TokenVerifier, key: SigningKey) -> None:
    assert refused(verifier, sign(key, claims(iss="someone-else"))).reason == "wrong-issuer"


def test_wrong_audience_is_refused(verifier: TokenVerifier, key: SigningKey) -> None:
    error = refused(verifier, sign(key, claims(aud="another-service")))
    assert (error.reason, error.detail) == ("wrong-audience", "token is meant for another audience")


def test_a_signature_by_another_key_is_refused(
    verifier: TokenVerifier, key: SigningKey, other_key: SigningKey
) -> None:
    # same alg, even the right kid: only the signature tells them apart
    forged = jwt.encode(
        claims(), other_key.private_key, algorithm="ES256", headers={"kid": key.kid}
    )
    assert refused(verifier, forged).reason == "bad-signature"


def test_a_tampered_payload_is_refused(verifier: TokenVerifier, key: SigningKey) -> None:
    head, _, signature = sign(key, claims()).split(".")
    tampered = head + "." + _b64(json.dumps(claims(region="360000")).encode()) + "." + signature
    assert refused(verifier, tampered).reason == "bad-signature"


@pytest.mark.parametrize("claim", REQUIRED_CLAIMS)
def test_a_missing_required_claim_is_refused(
    claim: str, verifier: TokenVerifier, key: SigningKey
) -> None:
    error = refused(verifier, sign(key, claims(**{claim: None})))
    assert (error.reason, error.detail) == ("missing-claim", f"token lacks the '{claim}' claim")


@pytest.mark.parametrize(
    "change",
    [{"region": 360121}, {"region": "36 01 21"}, {"region": ""}, {"scope": 7}, {"sub": ""}],
)
def test_a_malformed_claim_is_refused(
    change: dict[str, Any], verifier: TokenVerifier, key: SigningKey
) -> None:
    assert refused(verifier, sign(key, claims(**change))).reason in {"invalid-claim", "invalid"}


def test_scope_may_be_a_list_and_unknown_scopes_are_ignored(
    verifier: TokenVerifier, key: SigningKey
) -> None:
    principal = verifier.verify(sign(key, claims(scope=["audit:read", "email", "profile"])))
    assert principal.scopes == {Scope.AUDIT_READ}


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "x" * 9000])
def test_garbage_is_refused_as_malformed(token: str, verifier: TokenVerifier) -> None:
    assert refused(verifier, token).reason == "malformed"
