"""What `anju serve` checks before it touches anything, and how it stops.

A second `serve` on one data folder must be refused before it starts, migrates or seeds
the embedded PostgreSQL the first one is using; one on a port that is taken must be
refused before migrating. And SIGTERM must stop the embedded server as Ctrl+C does.
"""

import errno
import fcntl
import os
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from service.commands.errors import EXIT_UNAVAILABLE, CommandError

LOCK_FILE = "serve.lock"


@contextmanager
def data_folder_lock(data_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file in the data folder while serving. The kernel drops
    it when the process dies, however it dies, so a crash leaves no stale lock."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise CommandError(
                f"the data folder {data_dir} is in use by anju serve (pid {holder})",
                exit_code=EXIT_UNAVAILABLE,
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_port_free(host: str, port: int) -> None:
    """Refuse a port another process listens on, before any migration runs."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as uvicorn binds: a port in TIME_WAIT after a restart is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = "is in use" if error.errno == errno.EADDRINUSE else f"fails: {error.strerror}"
            raise CommandError(
                f"port {port} on {host} {reason}", exit_code=EXIT_UNAVAILABLE
            ) from None


def _exit_on_signal(_signum: int, _frame: FrameType | None) -> None:
    # a stop that was asked for and done is a success (systemd, Kubernetes)
    raise SystemExit(0)


def exit_cleanly_on_sigterm() -> None:
    """SIGTERM as a normal exit, so that the embedded PostgreSQL's exit hook stops it.

    Python's default SIGTERM ends the process at once, skipping exit hooks; uvicorn
    catches SIGTERM while it serves but raises it again once it has shut down."""
    signal.signal(signal.SIGTERM, _exit_on_signal)
