"""`anju import` shows its progress on a terminal, one bar of named stages on stderr, and
nothing of it when stderr is no terminal; a refusal stays one line and a non-zero exit."""

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.ingest.test_documents_again import REISSUE, anju_import, corrected_reissue

# cursor moves and colours of a terminal display
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def import_on_a_terminal(url: str, path: Path) -> tuple[int, str, list[str]]:
    """`anju import path` with stderr on a pseudo-terminal 100 columns wide: the exit
    status, stdout, and the lines the terminal shows (escapes stripped)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {**os.environ, "MIGRATE_DATABASE_URL": url, "TERM": "xterm-256color"}
    for forced in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        env.pop(forced, None)
    with subprocess.Popen(
        [sys.executable, "-m", "service.cli", "import", str(path)],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        text=True,
    ) as process:
        os.close(follower)
        shown = bytearray()
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the command closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        os.close(leader)
        assert process.stdout is not None
        out = process.stdout.read()
        status = process.wait(timeout=120)
    text = _ESCAPES.sub("", shown.decode("utf-8"))
    lines = [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]
    return status, out, lines


@pytest.fixture
def reissue(tmp_path: Path) -> Path:
    path = tmp_path / "reissue.txt"
    path.write_text(corrected_reissue(), encoding="utf-8")
    return path


def test_import_shows_its_stages_on_a_terminal(wurl: str, reissue: Path, tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.txt"
    unknown.write_text(corrected_reissue().replace("\n阳城县\t", "\n阳城区\t", 1), encoding="utf-8")
    status, out, shown = import_on_a_terminal(wurl, unknown)
    assert (status, out) == (1, "")
    # the bar stopped where the document could not be read, then the refusal: one line
    assert shown[-1] == (
        f"anju import: {unknown}: 附件1 line 76 column 县区名称: unknown region '阳城区'"
        " under 晋城市; did you mean 城区 or 阳城县?"
    )
    assert shown[-2].startswith("import unknown.txt") and " 0/9 " in shown[-2]
    assert not any("Traceback" in line for line in shown)

    status, out, shown = import_on_a_terminal(wurl, reissue)
    assert status == 0, shown
    assert out.splitlines()[0].startswith(f"imported {REISSUE} as document ")
    assert out.splitlines()[1].startswith("  figures: 0 new, 2 changed, ")
    # only the bar, redrawn as stages are done (how often depends on the machine's pace),
    # from none to all nine, the last named
    assert all(line.startswith("import reissue.txt ━") for line in shown), shown
    assert " 0/9 " in shown[0] and " 9/9 checked " in shown[-1], shown


def test_import_shows_no_bar_when_stderr_is_no_terminal(wurl: str, reissue: Path) -> None:
    done = anju_import(wurl, reissue)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0].startswith(f"imported {REISSUE} as document ")
