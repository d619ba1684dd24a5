"""The report (`python -m laodongthudo.report`), after real crawls of the replica into SQLite and PostgreSQL,
opened in Debian's headless Chromium: no console error, no request beyond the file, every number (in the
tables and in the charts' marks) equal to the same count in SQL. The screenshot stays in test-artifacts/."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html
from sqlalchemy import URL, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from laodongthudo.db import make_engine, upgrade
from replica import build_site, serve
from tests.browser import ARTIFACTS, visit
from tests.crawling import REPO, crawl_env, run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# Everything the page shows that the test checks: data-metric attributes, and the charts' bar marks (Vega
# writes each mark's data into its aria-label).
READ_PAGE = """() => ({
  metrics: Object.fromEntries([...document.querySelectorAll('[data-metric]')]
                               .map(e => [e.dataset.metric, e.textContent.trim()])),
  bars: [...document.querySelectorAll('svg [aria-roledescription="bar"]')].map(e => e.getAttribute('aria-label')),
  charts: document.querySelectorAll('.chart svg').length,
  scripts: document.querySelectorAll('script').length,
})"""


@pytest.fixture(scope="module")
def site():
    return build_site(n_articles=40, seed=7)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive(request: pytest.FixtureRequest, site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database after two crawls: the first full one, then a refresh that finds one article edited."""
    if request.param == "sqlite":
        yield from _crawled(site, f"sqlite:///{tmp_path_factory.mktemp('report') / 'laodongthudo.db'}")
        return
    server: URL = request.getfixturevalue("pg_server")
    name = f"ldtd_report_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
    try:
        yield from _crawled(site, server.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _crawled(site, url: str) -> Iterator[str]:
    with serve(site) as replica:
        first = run_crawl(replica.base_url, url)
        assert first.returncode == 0, first.log[-3000:]
        record = site.record(site.union_articles()[3].path)
        record.sapo_override = "Công đoàn quận Tây Hồ thăm hỏi đoàn viên có hoàn cảnh khó khăn."
        try:
            replica.reset()
            second = run_crawl(replica.base_url, url, "refresh=1")
            assert second.returncode == 0, second.log[-3000:]
            assert second.stat("store/updated") == 1
        finally:
            record.sapo_override = None
    yield url


def write_report(url: str, output: Path) -> None:
    command = [sys.executable, "-m", "laodongthudo.report", "-o", str(output), "--database", url]
    done = subprocess.run(command, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert output.stat().st_size > 10_000


def sql_counts(url: str) -> dict[str, object]:
    """The same figures, counted by the database."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        month = "to_char(published_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM')"
    else:
        month = "strftime('%Y-%m', published_at, '+7 hours')"
    with engine.connect() as c:
        counts: dict[str, object] = {
            "articles": c.execute(text("SELECT count(*) FROM articles")).scalar_one(),
            "entities": c.execute(text("SELECT count(*) FROM entities")).scalar_one(),
            "runs": c.execute(text("SELECT count(*) FROM crawl_runs")).scalar_one(),
            "sections": dict(c.execute(text("SELECT section, count(*) FROM articles GROUP BY section")).all()),
            "months": {
                (m, s): n
                for m, s, n in c.execute(
                    text(
                        f"SELECT {month}, section, count(*) FROM articles WHERE published_at IS NOT NULL GROUP BY 1, 2"
                    )
                )  # fmt: skip
            },
            "entity_articles": {
                (t, name): n
                for t, name, n in c.execute(
                    text(
                        "SELECT e.type, e.name, count(*) FROM entities e"
                        " JOIN article_entities ae ON ae.entity_id = e.id"
                        " GROUP BY e.id, e.type, e.name"
                    )
                )  # fmt: skip
            },
            "runs_rows": c.execute(
                text("SELECT id, articles_new, articles_updated, articles_unchanged FROM crawl_runs ORDER BY id")
            ).all(),  # fmt: skip
            "author": c.execute(
                text("SELECT count(*) FROM articles WHERE author IS NOT NULL AND author <> ''")
            ).scalar_one(),
            "event_date": c.execute(text("SELECT count(*) FROM articles WHERE event_date IS NOT NULL")).scalar_one(),
        }
    engine.dispose()
    return counts


def _bar_fields(label: str) -> dict[str, str]:
    return dict(part.split(": ", 1) for part in label.split("; "))


def test_the_report_renders_in_chromium_with_the_numbers_of_the_database(archive: str, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    write_report(archive, output)
    backend = make_engine(archive).dialect.name
    screenshot = ARTIFACTS / f"report-{backend}.png"
    page = visit(output, READ_PAGE, screenshot)

    assert page.console == [] and page.page_errors == [] and page.failed == []
    assert page.requests == [output.resolve().as_uri()]  # self-contained: nothing else is fetched
    assert screenshot.stat().st_size > 50_000
    shown = page.evaluated
    assert shown["scripts"] == 0
    assert shown["charts"] == 6  # months, three entity types, crawl runs, coverage
    metrics: dict[str, str] = shown["metrics"]
    sql = sql_counts(archive)

    assert int(metrics["articles"]) == sql["articles"] > 40
    assert int(metrics["entities"]) == sql["entities"]
    assert int(metrics["runs"]) == sql["runs"] == 2
    assert {k.split(":", 1)[1]: int(v) for k, v in metrics.items() if k.startswith("section:")} == sql["sections"]
    years: dict[tuple[str, str], int] = {}
    for (month, section), n in sql["months"].items():
        years[month[:4], section] = years.get((month[:4], section), 0) + n
    shown_years = {tuple(k.split(":")[1:]): int(v) for k, v in metrics.items() if k.startswith("year:")}
    assert {k: v for k, v in shown_years.items() if v} == years

    entity_metrics = {tuple(k.split(":", 2)[1:]): int(v) for k, v in metrics.items() if k.startswith("entity:")}
    assert len(entity_metrics) >= 30
    for key, n in entity_metrics.items():
        assert sql["entity_articles"][key] == n, key
    for kind in ("PERSON", "ORGANIZATION", "LOCATION"):
        listed = [n for (t, _), n in entity_metrics.items() if t == kind]
        unlisted = [
            n for (t, name), n in sql["entity_articles"].items() if t == kind and (t, name) not in entity_metrics
        ]
        assert listed and (not unlisted or min(listed) >= max(unlisted)), kind  # the most named, none skipped

    first, second = sql["runs_rows"]
    assert int(metrics[f"run:{first[0]}:new"]) == first[1] == sql["articles"]
    assert int(metrics[f"run:{second[0]}:updated"]) == second[2] == 1
    assert int(metrics[f"run:{second[0]}:unchanged"]) == second[3]
    assert metrics[f"run:{first[0]}:exit"] == metrics[f"run:{second[0]}:exit"] == "0"
    assert int(metrics["coverage:author"]) == sql["author"]
    assert int(metrics["coverage:event_date"]) == sql["event_date"]

    # The charts draw the same numbers: one bar per (month, section) with its count, one per listed entity.
    bars = [_bar_fields(label) for label in shown["bars"]]
    month_bars = {
        (datetime.strptime(b["month (year-month)"], "%b %Y").strftime("%Y-%m"), b["section"]): int(b["Sum of articles"])
        for b in bars
        if "month (year-month)" in b
    }
    assert month_bars == sql["months"]
    entity_bars = {b["name"]: int(b["articles"]) for b in bars if "name" in b}
    assert entity_bars == {name: n for (_, name), n in entity_metrics.items()}
    run_bars = {(b["run"].split()[0], b["kind"]): int(b["articles"]) for b in bars if "run" in b}
    assert run_bars[f"#{second[0]}", "updated"] == 1 and run_bars[f"#{first[0]}", "new"] == first[1]


def test_field_sources_are_counted_when_the_column_exists(tmp_path: Path) -> None:
    # The column another revision adds (dict field -> source); without it the report says so and goes on.
    url = f"sqlite:///{tmp_path / 'laodongthudo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    stamps = "'2025-01-01T00:00:00.000000+00:00'"
    with engine.begin() as c:
        for i, author in enumerate(["An", "Bình", None, "Chi"]):
            c.execute(text(
                "INSERT INTO articles (url, article_id, author, tags, images, related, first_seen_at, last_seen_at,"
                f" updated_at) VALUES (:u, :i, :a, '[]', '[]', '[]', {stamps}, {stamps}, {stamps})"
            ), {"u": f"https://laodongthudo.vn/a-{i}.html", "i": i, "a": author})  # fmt: skip
    if "field_sources" not in {column["name"] for column in inspect(engine).get_columns("articles")}:
        without = tmp_path / "without.html"
        write_report(url, without)
        page = lxml_html.fromstring(without.read_text(encoding="utf-8"))
        assert page.xpath('string(//*[@data-metric="coverage:author"])') == "3"
        assert "no articles.field_sources column" in re.sub(r"\s+", " ", page.text_content())
        assert not page.xpath('//*[starts-with(@data-metric, "source:")]')
        with engine.begin() as c:
            c.execute(text("ALTER TABLE articles ADD COLUMN field_sources JSON"))
    with engine.begin() as c:
        for i, sources in enumerate(['{"author": "byline"}', '{"author": "byline"}', "{}", '{"author": "meta"}']):
            c.execute(text("UPDATE articles SET field_sources = :s WHERE article_id = :i"), {"s": sources, "i": i})
    engine.dispose()
    with_sources = tmp_path / "with.html"
    write_report(url, with_sources)
    page = lxml_html.fromstring(with_sources.read_text(encoding="utf-8"))
    assert page.xpath('string(//*[@data-metric="source:author:byline"])') == "2"
    assert page.xpath('string(//*[@data-metric="source:author:meta"])') == "1"
