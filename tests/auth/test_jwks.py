"""Keys from a JWKS endpoint, served from a tiny HTTP server on 127.0.0.1."""

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

from service.auth.devkeys import SigningKey
from service.auth.errors import KeysUnavailable, Unauthenticated
from service.auth.keys import JwksKeys
from service.auth.principal import Scope
from service.auth.tokens import TokenVerifier
from tests.auth.tokens import AUDIENCE, ISSUER, token_for


class JwksServer:
    """Serves `keys` as a JWKS and counts the fetches."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                body = json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def verifier(url: str, *, cooldown: float) -> TokenVerifier:
    keys = JwksKeys(url, cache_seconds=300, refresh_cooldown=cooldown)
    return TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)


def test_a_known_kid_is_fetched_once_then_cached(jwks: JwksServer, key: SigningKey) -> None:
    jwks.keys = [key.jwk()]
    v = verifier(jwks.url, cooldown=30)
    assert v.verify(token_for("360121", Scope.FIGURES_READ)).region_code == "360121"
    assert v.verify(token_for("360124", Scope.FIGURES_READ)).region_code == "360124"
    assert jwks.fetches == 1


def test_an_unknown_kid_refetches_once_and_finds_a_rotated_key(
    jwks: JwksServer, key: SigningKey, other_key: SigningKey
) -> None:
    jwks.keys = [key.jwk()]
    v = verifier(jwks.url, cooldown=0)
    v.verify(token_for("360121", Scope.FIGURES_READ))
    jwks.keys = [key.jwk(), other_key.jwk()]  # the issuer rotates in a new key
    assert v.verify(token_for("360100", Scope.FIGURES_READ, key=other_key)).region_code == "360100"
    assert jwks.fetches == 2


def test_a_kid_nobody_knows_costs_one_refetch_then_401(
    jwks: JwksServer, key: SigningKey, other_key: SigningKey
) -> None:
    jwks.keys = [key.jwk()]
    v = verifier(jwks.url, cooldown=0)
    v.verify(token_for("360121", Scope.FIGURES_READ))
    with pytest.raises(Unauthenticated) as caught:
        v.verify(token_for("360121", Scope.FIGURES_READ, key=other_key))
    assert caught.value.reason == "unknown-key"
    assert jwks.fetches == 2  # the cached set, then exactly one refresh


def test_the_cooldown_stops_unknown_kids_from_hammering_the_issuer(
    jwks: JwksServer, key: SigningKey, other_key: SigningKey
) -> None:
    jwks.keys = [key.jwk()]
    v = verifier(jwks.url, cooldown=30)
    v.verify(token_for("360121", Scope.FIGURES_READ))
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            v.verify(token_for("360121", Scope.FIGURES_READ, key=other_key))
    assert jwks.fetches == 1


def test_refused_algorithms_never_reach_the_endpoint(jwks: JwksServer, key: SigningKey) -> None:
    jwks.keys = [key.jwk(), {"kty": "oct", "k": "c2VjcmV0", "kid": "shared", "alg": "HS256"}]
    v = verifier(jwks.url, cooldown=0)
    for alg in ("none", "HS256"):
        head = base64.urlsafe_b64encode(f'{{"alg":"{alg}","kid":"shared"}}'.encode())
        with pytest.raises(Unauthenticated) as caught:
            v.verify(head.rstrip(b"=").decode() + ".e30.c2ln")
        assert caught.value.reason == "algorithm"
    assert jwks.fetches == 0


def test_a_symmetric_key_in_the_jwks_is_not_usable(jwks: JwksServer, key: SigningKey) -> None:
    # even if someone allowed ES256 under a kid whose JWK is a shared secret
    jwks.keys = [{"kty": "oct", "k": "c2VjcmV0", "kid": key.kid}]
    with pytest.raises(Unauthenticated) as caught:
        verifier(jwks.url, cooldown=0).verify(token_for("360121"))
    assert caught.value.reason == "unknown-key"


def test_a_token_without_kid_is_refused(jwks: JwksServer, key: SigningKey) -> None:
    jwks.keys = [key.jwk()]
    token = jwt.encode({"sub": "x"}, key.private_key, algorithm="ES256")
    with pytest.raises(Unauthenticated) as caught:
        verifier(jwks.url, cooldown=0).verify(token)
    assert caught.value.reason == "unknown-key"


def test_an_unreachable_endpoint_is_a_503_not_the_callers_fault(key: SigningKey) -> None:
    v = verifier("http://127.0.0.1:9/jwks.json", cooldown=0)
    with pytest.raises(KeysUnavailable) as caught:
        v.verify(token_for("360121"))
    assert caught.value.status == 503
