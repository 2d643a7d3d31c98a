"""`anju token issue` prints a token the service accepts; `anju token jwks` its key."""

import json
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from service.auth.principal import Scope
from service.auth.tokens import build_verifier
from service.cli import main
from service.config import Settings, get_settings


@pytest.fixture
def data_dir(demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ANJU_DATA_DIR", str(tmp_path))
    # the region a token names is checked against the database
    monkeypatch.setenv("DATABASE_URL", demo_url)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out.strip()


def test_token_issue_verifies_with_the_dev_key(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = run(
        capsys,
        *("token", "issue", "--region", "360121", "--scope", "figures:report"),
        *("--scope", "figures:read", "--subject", "clerk", "--ttl", "600"),
    )
    verifier = build_verifier(Settings(_env_file=None, data_dir=data_dir))
    principal = verifier.verify(token)
    assert (principal.subject, principal.region_code) == ("clerk", "360121")
    assert principal.scopes == {Scope.FIGURES_REPORT, Scope.FIGURES_READ}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 600


def test_token_jwks_publishes_the_key_that_signs(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = run(capsys, "token", "issue", "--region", "360100", "--scope", "targets:assign")
    jwks = json.loads(run(capsys, "token", "jwks"))
    (jwk,) = jwks["keys"]
    assert "d" not in jwk  # public only
    assert jwk["kid"] == jwt.get_unverified_header(token)["kid"]
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["ES256"], audience="anju-exchange")
    assert claims["region"] == "360100"


def test_an_unknown_scope_is_refused(data_dir: Path) -> None:
    with pytest.raises(SystemExit):
        main(["token", "issue", "--region", "360121", "--scope", "figures:write"])


def test_a_ttl_must_be_positive(data_dir: Path) -> None:
    with pytest.raises(SystemExit):
        main(["token", "issue", "--region", "360121", "--scope", "figures:read", "--ttl", "0"])
