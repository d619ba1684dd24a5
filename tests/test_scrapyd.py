"""Deployment to Scrapyd: a real `scrapyd` process, `scrapyd-deploy` of this project, a scheduled crawl.

The project is copied to a temporary directory first (the egg is built there, not in the work tree), and
Scrapyd runs from another directory with no path to the sources, so the crawl can only use the egg.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from tests.crawling import FAST, REPO, free_port, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

PROJECT = "laodongthudo"
BIN = Path(sys.executable).parent


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None, **query: str) -> dict:
    url = f"{base}/{endpoint}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """A running Scrapyd: (its URL, the DATABASE_URL its crawls get, its logs directory)."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\nitems_dir =\n"
        "max_proc = 2\npoll_interval = 0.2\n"
    )
    database_url = f"sqlite:///{tmp_path / 'scrapyd.db'}"
    env = {k: v for k, v in os.environ.items() if k not in ("LDTD_BASE_URL", "PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    env["DATABASE_URL"] = database_url
    log = (home / "scrapyd.out").open("w")
    process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            assert process.poll() is None, (home / "scrapyd.out").read_text()
            assert time.monotonic() < deadline, "scrapyd did not answer"
            time.sleep(0.2)
        yield base, database_url, home / "logs"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_scrapy_cfg_has_a_deploy_target():
    config = configparser.ConfigParser()
    config.read(REPO / "scrapy.cfg")
    assert config.get("deploy", "project") == PROJECT
    assert config.get("deploy", "url").startswith("http")


def test_deploy_schedule_and_crawl_through_scrapyd(scrapyd, tmp_path):
    base, database_url, logs = scrapyd
    # A copy of the project whose deploy target is this Scrapyd.
    source = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db")
    for name in ("laodongthudo", "pipelines"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    for name in ("setup.py", "scrapy.cfg", "pyproject.toml"):
        shutil.copy(REPO / name, source / name)
    config = configparser.ConfigParser()
    config.read(source / "scrapy.cfg")
    config.set("deploy", "url", base + "/")
    with (source / "scrapy.cfg").open("w") as file:
        config.write(file)

    egg = tmp_path / "project.egg"
    build = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "--build-egg", str(egg)], cwd=source, capture_output=True, text=True, timeout=120
    )
    assert build.returncode == 0, build.stderr
    names = zipfile.ZipFile(egg).namelist()
    assert "EGG-INFO/entry_points.txt" in names
    assert "settings = laodongthudo.settings" in zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
    for needed in (
        "laodongthudo/spiders/union.py",
        "pipelines/store.py",
        "laodongthudo/db/alembic.ini",
        "laodongthudo/db/migrations/env.py",
        "laodongthudo/db/migrations/versions/0001_articles.py",
    ):
        assert needed in names, needed

    deploy = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "--egg", str(egg), "-v", "1"],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert deploy.returncode == 0, deploy.stderr + deploy.stdout
    assert json.loads(deploy.stdout)["status"] == "ok"
    assert "union" in api(base, "listspiders.json", project=PROJECT)["spiders"]

    site = build_site(n_articles=40, seed=51)
    with serve(site) as replica:
        settings = {**FAST, "LDTD_BASE_URL": replica.base_url}
        form = [("project", PROJECT), ("spider", "union")] + [("setting", f"{k}={v}") for k, v in settings.items()]
        job = api(base, "schedule.json", data=form)
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 120
        while not any(j["id"] == job["jobid"] for j in api(base, "listjobs.json", project=PROJECT)["finished"]):
            assert time.monotonic() < deadline, "the job did not finish"
            time.sleep(0.5)

    log = (logs / PROJECT / "union" / f"{job['jobid']}.log").read_text()
    assert "Spider closed (finished)" in log and re.search(r"finish reason\s+finished", log), log[-3000:]
    urls = [row["url"] for row in stored_rows(database_url)]
    assert len(urls) == len(set(urls))
    assert set(urls) == {CANONICAL_ROOT + truth.path for truth in site.union_articles()}
