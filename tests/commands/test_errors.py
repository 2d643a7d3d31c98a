"""Every failure of `anju` is one line on stderr and a non-zero exit code, never a traceback."""

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.cli import build_parser, main
from service.config import get_settings

REPO = Path(__file__).resolve().parents[2]


def anju(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *argv],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    # nothing listens on port 9 (discard) of the loopback
    url = "postgresql://nobody@127.0.0.1:9/none"
    done = anju("db", "migrate", env={"DATABASE_URL": url, "ANJU_DATA_DIR": str(tmp_path)})
    assert done.returncode == 69
    assert done.stderr.startswith("anju: error: cannot reach the database: ")
    assert done.stderr.count("\n") == 1


@pytest.fixture
def on_database(wurl: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", wurl)
    monkeypatch.setenv("ANJU_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield wurl
    get_settings.cache_clear()


def test_token_issue_refuses_an_unknown_region(
    on_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["token", "issue", "--region", "999999", "--scope", "figures:read"])
    assert exit.value.code == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", "anju: error: no region with code '999999'\n")


def test_token_issue_accepts_a_zone(on_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["token", "issue", "--region", "360100-CORE", "--scope", "figures:report"])
    assert capsys.readouterr().out.count(".") == 2  # header.claims.signature


def test_token_issue_refuses_an_unknown_scope(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["token", "issue", "--region", "360121", "--scope", "figures:write"])
    assert exit.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == (
        "anju token issue: error: argument --scope: unknown scope 'figures:write' (one of:"
        " figures:read, figures:report, targets:assign, rectification:record,"
        " periods:certify, audit:read, catalogue:admin)"
    )


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def test_every_option_and_command_has_help() -> None:
    missing = [
        f"{parser.prog}: {action.dest}"
        for parser in _parsers(build_parser())
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []
    commands = [p.prog for p in _parsers(build_parser())]
    assert "anju demo national" in commands and len(commands) == 13
