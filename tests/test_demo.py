"""The README's offline demo, as a new user runs it: start the replica, paste the command it prints."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crawling import REPO, crawl_env, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def test_the_printed_demo_command_crawls_the_replica_quickly_into_its_own_database(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'replica-demo.db'}"
    replica = subprocess.Popen(
        [sys.executable, "-m", "replica", "--port", "0", "--articles", "60", "--database", database_url],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [replica.stdout.readline() for _ in range(4)]
        command = next(line.strip() for line in lines if line.strip().startswith("scrapy crawl union"))
        assert lines[-1].strip() == "stop it with Ctrl-C"
        started = time.monotonic()
        done = subprocess.run(shlex.split(command), cwd=REPO, env=crawl_env(), capture_output=True, text=True)
        elapsed = time.monotonic() - started
    finally:
        replica.terminate()
        _, access_log = replica.communicate(timeout=10)
    assert done.returncode == 0, done.stderr[-3000:]
    assert elapsed < 30
    assert len(stored_rows(database_url)) >= 60
    assert '"GET /' not in access_log  # quiet unless --verbose
