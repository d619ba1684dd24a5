"""What the report shows, read from the database with the same SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, desc, func, inspect, select
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table

from laodongthudo import settings as defaults
from laodongthudo.db.models import ENTITY_TYPES, ArticleEntityRow, ArticleRow, CrawlRunRow, EntityRow
from laodongthudo.db.types import JSONType
from laodongthudo.extensions.run_record import exit_status

_articles = ArticleRow.__table__
_entities = EntityRow.__table__
_links = ArticleEntityRow.__table__
_runs = CrawlRunRow.__table__
# The column another revision adds: field name -> where its value came from (e.g. {"author": "byline"}).
FIELD_SOURCES_COLUMN = "field_sources"
COVERED_FIELDS = ("author", "event_date")
NO_SECTION = "(none)"


@dataclass(frozen=True)
class EntityCount:
    type: str
    name: str
    articles: int  # articles naming it
    mentions: int  # mentions over all those articles


@dataclass(frozen=True)
class RunSummary:
    id: int
    started_at: datetime
    finished_at: datetime
    mode: str | None
    sections: list[str]
    pages_fetched: int
    new: int
    updated: int
    unchanged: int
    dropped: int
    skipped: int
    errors: int
    finish_reason: str | None
    alert: str | None
    exit_status: int


@dataclass
class Coverage:
    total: int
    present: dict[str, int]  # field -> articles with a value
    sources: dict[str, dict[str, int]] | None  # field -> source -> articles; None without field_sources


@dataclass
class ReportData:
    generated_at: datetime
    database: str  # masked URL
    articles: int
    undated: int
    first_published: date | None
    last_published: date | None
    per_month: dict[tuple[str, str], int]  # ("2024-05", section) -> articles, Hanoi months
    per_section: dict[str, int]
    top_entities: dict[str, list[EntityCount]]  # type -> most named first
    entities: int
    runs: list[RunSummary]  # newest first
    runs_total: int
    coverage: Coverage
    notes: list[str] = field(default_factory=list)

    def per_year(self) -> dict[tuple[str, str], int]:
        years: Counter[tuple[str, str]] = Counter()
        for (month, section), count in self.per_month.items():
            years[month[:4], section] += count
        return dict(years)


def _int(value: Any) -> int:
    return int(value or 0)


def _sum(mapping: Any) -> int:
    return sum(_int(v) for v in mapping.values()) if isinstance(mapping, dict) else 0


class ReportReader:
    """Collects `ReportData` from one engine."""

    def __init__(
        self,
        engine: Engine,
        *,
        top_entities: int = defaults.REPORT_TOP_ENTITIES,
        runs: int = defaults.REPORT_CRAWL_RUNS,
    ) -> None:
        self.engine = engine
        self.top_n = top_entities
        self.runs_n = runs

    def read(self, database: str, now: datetime) -> ReportData:
        with self.engine.connect() as connection:
            per_month, undated, first, last = self._per_month(connection)
            per_section: Counter[str] = Counter()
            for (_, section), count in per_month.items():
                per_section[section] += count
            for section, count in undated.items():
                per_section[section] += count
            runs_total = connection.execute(select(func.count()).select_from(_runs)).scalar_one()
            return ReportData(
                generated_at=now,
                database=database,
                articles=sum(per_section.values()),
                undated=sum(undated.values()),
                first_published=first,
                last_published=last,
                per_month=per_month,
                per_section=dict(sorted(per_section.items(), key=lambda kv: (-kv[1], kv[0]))),
                top_entities={kind: self._top(connection, kind) for kind in ENTITY_TYPES},
                entities=connection.execute(select(func.count()).select_from(_entities)).scalar_one(),
                runs=self._runs(connection),
                runs_total=runs_total,
                coverage=self._coverage(connection),
            )

    @staticmethod
    def _per_month(connection: Connection) -> tuple[dict[tuple[str, str], int], Counter[str], date | None, date | None]:
        # Months in Hanoi time: the type returns aware values in +07:00 on both databases.
        months: Counter[tuple[str, str]] = Counter()
        undated: Counter[str] = Counter()
        days: list[date] = []
        for published, section in connection.execute(select(_articles.c.published_at, _articles.c.section)):
            section = section or NO_SECTION
            if published is None:
                undated[section] += 1
                continue
            months[published.strftime("%Y-%m"), section] += 1
            days.append(published.date())
        return dict(sorted(months.items())), undated, min(days, default=None), max(days, default=None)

    def _top(self, connection: Connection, kind: str) -> list[EntityCount]:
        articles = func.count(_links.c.article_id)
        query = (
            select(_entities.c.name, articles.label("articles"), func.sum(_links.c.mention_count).label("mentions"))
            .join(_links, _links.c.entity_id == _entities.c.id)
            .where(_entities.c.type == kind)
            .group_by(_entities.c.id, _entities.c.name)
            .order_by(desc("articles"), desc("mentions"), _entities.c.name)
            .limit(self.top_n)
        )
        return [EntityCount(kind, name, _int(n), _int(m)) for name, n, m in connection.execute(query)]

    def _runs(self, connection: Connection) -> list[RunSummary]:
        query = select(_runs).order_by(_runs.c.started_at.desc(), _runs.c.id.desc()).limit(self.runs_n)
        return [
            RunSummary(
                id=row.id,
                started_at=row.started_at,
                finished_at=row.finished_at,
                mode=row.mode,
                sections=list(row.sections or []),
                pages_fetched=_int(row.pages_fetched),
                new=_int(row.articles_new),
                updated=_int(row.articles_updated),
                unchanged=_int(row.articles_unchanged),
                dropped=_sum(row.dropped),
                skipped=_sum(row.skipped),
                errors=_int(row.errors),
                finish_reason=row.finish_reason,
                alert=row.alert,
                exit_status=exit_status(row.stats or {}),
            )
            for row in connection.execute(query)
        ]

    def _coverage(self, connection: Connection) -> Coverage:
        a = _articles.c
        total = connection.execute(select(func.count()).select_from(_articles)).scalar_one()
        present = {
            "author": connection.execute(
                select(func.count()).where(a.author.is_not(None), a.author != "")
            ).scalar_one(),
            "event_date": connection.execute(select(func.count()).where(a.event_date.is_not(None))).scalar_one(),
        }
        columns = {column["name"] for column in inspect(connection).get_columns("articles")}
        if FIELD_SOURCES_COLUMN not in columns:
            return Coverage(total, present, None)
        sources: dict[str, Counter[str]] = {name: Counter() for name in COVERED_FIELDS}
        column = _articles.c.get(FIELD_SOURCES_COLUMN)
        if column is None:  # the models do not know it yet: read it as JSON text or a JSONB dict
            column = sql_table("articles", sql_column(FIELD_SOURCES_COLUMN, JSONType)).c[FIELD_SOURCES_COLUMN]
        for (value,) in connection.execute(select(column)):
            if not isinstance(value, dict):
                continue
            for name in COVERED_FIELDS:
                if value.get(name):
                    sources[name][str(value[name])] += 1
        return Coverage(total, present, {name: dict(counts.most_common()) for name, counts in sources.items()})
