"""A throwaway PostgreSQL for the benchmark: `LDTD_BENCH_PG_URL` if set, else a cluster started the way the
tests start theirs (tests/pgcluster.py's `PgCluster`: temporary directory, no fsync, stopped and deleted after).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, create_engine, make_url, text
from sqlalchemy.pool import NullPool

REPO = Path(__file__).resolve().parent.parent
ENV = "LDTD_BENCH_PG_URL"


@dataclass
class Server:
    url: URL
    data_dir: Path | None = None  # known for a cluster started here: its processes' CPU can be read

    def cpu_seconds(self) -> float | None:
        """CPU used so far by the cluster: the postmaster, its live children, and the children it reaped."""
        if self.data_dir is None:
            return None
        try:
            postmaster = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited meanwhile
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            elif ppid == postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / tick


@contextlib.contextmanager
def server() -> Iterator[Server | None]:
    """A PostgreSQL server to create databases on, or None (with the reason printed) when there is none."""
    if os.environ.get(ENV):
        url = make_url(os.environ[ENV])
        yield Server(url.set(drivername="postgresql+psycopg") if url.drivername in ("postgresql", "postgres") else url)
        return
    from tests.pgcluster import PgCluster, pg_bindir  # the tests' own cluster (bench scripts put REPO on the path)

    bindir = pg_bindir()
    if bindir is None:
        print(f"PostgreSQL: no server binaries and {ENV} unset; skipped")
        yield None
        return
    cluster = PgCluster(bindir)
    try:
        cluster.start()
        yield Server(cluster.url, cluster.data)
    finally:
        cluster.stop()


@contextlib.contextmanager
def database(server_url: URL) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards; yields its URL (with password, for the crawl)."""
    name = f"ldtd_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
