"""A throwaway PostgreSQL cluster in a temporary directory, for the tests (tests/conftest.py) and the benchmarks
(bench/_pg.py): fast and unsafe (no fsync)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import URL

from tests.crawling import free_port


def pg_bindir() -> Path | None:
    """The newest installed server's bin directory, else whatever `initdb` PATH has."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgCluster:
    """A PostgreSQL cluster in a temporary directory; fast and unsafe (no fsync), for tests only.

    `start()` creates and starts it on a free port; `pause()` stops the server (fast shutdown: open
    connections are cut) and `resume()` starts it again on the same port; `stop()` removes it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="ldtd-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        # initdb refuses to run as root: then the cluster belongs to the `postgres` system user.
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale", "--no-sync", "--no-instructions")  # fmt: skip
        for attempt in range(3):  # the free port may be taken before the server binds it
            self.port = free_port()
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                          "-o", self._options(), "start")  # fmt: skip
                return
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise RuntimeError(f"PostgreSQL did not start:\n{self.log.read_text()[-2000:]}") from None

    def _options(self) -> str:
        return (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -F"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )

    def pause(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def resume(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", self._options(), "start")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> URL:
        return URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1", port=self.port,
                          database="postgres")  # fmt: skip
