"""Building the verifier from settings: JWKS URL, public key, or the dev key."""

from pathlib import Path

import pytest

from service.auth import devkeys
from service.auth.devkeys import SigningKey
from service.auth.errors import Unauthenticated
from service.auth.keys import JwksKeys
from service.auth.principal import Scope
from service.auth.tokens import build_verifier
from service.config import Settings
from tests.auth.tokens import token_for


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[arg-type]


def test_defaults() -> None:
    s = Settings(_env_file=None)
    assert (s.jwt_issuer, s.jwt_audience, s.jwt_algorithms) == (
        "anju-dev",
        "anju-exchange",
        ["RS256", "ES256"],
    )
    assert s.jwt_leeway_seconds == 30
    assert s.public_read is None  # decided by install_auth: on only for the embedded database


def test_algorithms_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANJU_JWT_ALGORITHMS", "ES256, PS256")
    monkeypatch.setenv("ANJU_PUBLIC_READ", "true")
    s = Settings(_env_file=None)
    assert (s.jwt_algorithms, s.public_read) == (["ES256", "PS256"], True)


def test_hs_or_none_in_the_settings_stops_the_start(tmp_path: Path) -> None:
    for algorithms in (["HS256"], ["none"]):
        with pytest.raises(ValueError, match="not allowed"):
            build_verifier(settings(tmp_path, jwt_algorithms=algorithms))


def test_a_public_key_as_pem_text_or_file(tmp_path: Path, key: SigningKey) -> None:
    path = tmp_path / "issuer.pem"
    path.write_text(key.public_pem())
    for value in (key.public_pem(), str(path)):
        verifier = build_verifier(settings(tmp_path, jwt_public_key=value))
        assert verifier.verify(token_for("360121", Scope.FIGURES_READ)).region_code == "360121"
    assert not (tmp_path / "keys").exists()


def test_a_jwks_url_and_a_public_key_together_are_refused(tmp_path: Path, key: SigningKey) -> None:
    with pytest.raises(ValueError, match="not both"):
        build_verifier(
            settings(tmp_path, jwks_url="https://idp.example/jwks", jwt_public_key=key.public_pem())
        )


def test_a_jwks_url_uses_the_jwks_client(tmp_path: Path) -> None:
    verifier = build_verifier(
        settings(tmp_path, jwks_url="https://idp.example/jwks", jwks_refresh_cooldown_seconds=5)
    )
    assert isinstance(verifier.keys, JwksKeys)
    assert verifier.keys.client.cooldown_duration == 5


def test_without_keys_the_dev_key_is_used_and_made_on_first_use(tmp_path: Path) -> None:
    verifier = build_verifier(settings(tmp_path))
    assert not (tmp_path / "keys").exists()  # building the app writes nothing
    with pytest.raises(Unauthenticated):  # a stranger's token: creates the key, then refuses
        verifier.verify(token_for("360121", Scope.FIGURES_READ))
    dev = devkeys.load_or_create(tmp_path)
    assert (tmp_path / "keys" / devkeys.KEY_FILE).stat().st_mode & 0o077 == 0
    token = token_for("360121", Scope.FIGURES_READ, key=dev)
    assert verifier.verify(token).scopes == {Scope.FIGURES_READ}


def test_the_dev_key_is_stable_across_loads(tmp_path: Path) -> None:
    assert devkeys.load_or_create(tmp_path).kid == devkeys.load_or_create(tmp_path).kid
