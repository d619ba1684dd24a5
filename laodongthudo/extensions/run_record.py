"""One `crawl_runs` row per crawl, a one-screen summary in the log, the markup and unreachable-site alerts.

The row is inserted when the spider opens (no `finished_at` yet; `host`, `pid` and a `heartbeat_at` renewed
every RUN_RECORD_HEARTBEAT seconds), so a run that dies (kill -9, a second Ctrl-C, a database outage or a full
disk that also stops the final write) still leaves its mark: the next scheduled run finds the row unfinished
and its process gone, and catches up (`laodongthudo.db.state`). When the spider closes (after the item
pipelines, so the store pipeline has written everything), this extension completes the row from the final
stats and the spider's plan, with engines of its own, and logs a summary at INFO.

Markup alert: a run in which more than MARKUP_ALERT_SHARE (10%) of the article pages fetched could not be
read for a markup reason (`markup/<reason>`: no body, a script shell, no date, no title, no section; see
laodongthudo.reasons), or that stored nothing while pages went missing a body or a date (MARKUP_COUNTERS),
most likely met a new layout of the site. The run record's `alert` names the reasons with example URLs, the
message is logged at ERROR, the stats carry it under `run/alert`, and `scrapy crawl`
(laodongthudo.commands.crawl) exits with status 3. Pages skipped for a markup reason during such a run are
forgotten from `skipped_urls`, so that the runs after the parser is fixed fetch them again (and the next
scheduled run, after an alerted one, reads every listing page).

Coverage: the summary says, per field, how many stored articles had it, and from which source when the
parsers count them (`fields/<field>/<source>`).

Bounds: a section stopped at MAX_LISTING_PAGES, MAX_BARREN_LISTING_PAGES or MAX_LINKS_PER_LISTING
(`run/bounded`, set by the spider) is in the summary, and `scrapy crawl` exits with status 6.

Unreachable site: a run in which no listing page could be read at all (DNS, refused connections, 5xx after
retries, a wrong LDTD_BASE_URL) stopped every section at its first page. It is logged at ERROR, kept in the
stats (and so in the row's `stats`) under `run/site_unreachable`, and `scrapy crawl` exits with status 5,
so that a scheduler does not take an outage for a quiet day.

Settings: RUN_RECORD_ENABLED, RUN_RECORD_HEARTBEAT, DATABASE_URL, STORE_RETRY_TIMES / STORE_RETRY_DELAY (the
same patience as the store pipeline when the database is unavailable).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy import make_url

from laodongthudo.db import HANOI, CrawlRunRow, StoreUnavailable, describe_error, mask_url
from laodongthudo.db.runs import finish_run, heartbeat, previous_run_stats, start_run, this_host
from laodongthudo.reasons import MARKUP_REASONS

logger = logging.getLogger(__name__)

ALERT_STAT = "run/alert"
UNREACHABLE_STAT = "run/site_unreachable"
CAUGHT_UP_STAT = "run/caught_up"  # set by the spider: why this scheduled run reads every listing page
STORE_UNAVAILABLE = "store_unavailable"  # pipelines.store.CLOSE_REASON
# Counters that go up when a page's markup is not what the parsers know.
MARKUP_COUNTERS = ("skipped/no_body", "dropped/no_date", "dropped/empty_body", "dropped/no_title")
# Listing counters that tell the same when nothing on the listings was recognised either.
LISTING_COUNTERS = ("listing/unknown_layout", "listing/empty")
LISTING_RECOGNISED = ("listing/known", "listing/known_skipped")
# skipped_urls reasons a markup change causes: not remembered after an alerted run.
MARKUP_SKIP_REASONS = tuple(sorted(MARKUP_REASONS))
BOUND_STAT = "run/bounded"  # the spider's (laodongthudo.spiders.union.BOUND_STAT)
# Fields of stored articles the summary's coverage line counts (`coverage/<field>`, from scraped items).
COVERAGE_FIELDS = (
    "title", "kicker", "sapo", "published_at", "author", "body", "images", "related", "tags", "section",
)  # fmt: skip


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key) or 0
    return int(value) if isinstance(value, int | float) else 0


def _by_reason(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {key[len(prefix) :]: _int(stats, key) for key in sorted(stats) if key.startswith(prefix)}


def _aware(value: Any, default: datetime) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return default
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day(value: date) -> date:
    """A day as the summary shows it: datetimes (aware or Hanoi-naive) become their Hanoi calendar day."""
    if isinstance(value, datetime):
        return value.astimezone(HANOI).date() if value.tzinfo else value.date()
    return value


def _secret_words(database_url: str | None) -> list[str]:
    """The database password, as written and as it appears URL-encoded."""
    if not database_url:
        return []
    try:
        password = make_url(database_url).password
    except Exception:
        return []
    if not password:
        return []
    from urllib.parse import quote, quote_plus

    return sorted({str(password), quote(str(password), safe=""), quote_plus(str(password))}, key=len, reverse=True)


def scrub(value: Any, secrets: list[str]) -> Any:
    """A JSON-able copy of `value` (datetimes as ISO text) with every secret replaced by ***."""
    text = json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    for secret in secrets:
        if secret:
            text = text.replace(json.dumps(secret)[1:-1], "***")
    return json.loads(text)


def _markup_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """First tries unreadable for a markup reason, by reason (`markup/<reason>`, counted by the spider)."""
    counts = {key[len("markup/") :]: _int(stats, key) for key in sorted(stats) if key.startswith("markup/")}
    return {reason: n for reason, n in counts.items() if "/" not in reason and n}


def _examples(stats: Mapping[str, Any], counts: Mapping[str, int]) -> str:
    reasons = []
    for reason, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        examples = stats.get(f"markup/examples/{reason}") or []
        shown = f" (e.g. {', '.join(str(url) for url in examples)})" if examples else ""
        reasons.append(f"{reason} {count}{shown}")
    return "; ".join(reasons)


def markup_share_alert(stats: Mapping[str, Any], share: float) -> str | None:
    """The alert message when more than `share` of the article pages fetched were unreadable for a markup
    reason (`markup/<reason>` counted by the spider, with `markup/examples/<reason>`); else None. Pages that
    earlier runs could not read either (`articles/fetched_again`, `markup/again/...`) are left out: the first
    try of each page is the evidence."""
    fetched = _int(stats, "articles/fetched") - _int(stats, "articles/fetched_again")
    counts = _markup_counts(stats)
    unreadable = sum(counts.values())
    if fetched <= 0 or not unreadable or unreadable <= share * fetched:
        return None
    return (
        f"The site's markup has probably changed: {unreadable} of {fetched} article pages fetched "
        f"({unreadable / fetched:.0%}, more than {share:.0%}) could not be read: {_examples(stats, counts)}. "
        "Check the layout parsers (laodongthudo/layouts) against a live page; these pages are fetched again by "
        "later runs."
    )


def markup_alert(stats: Mapping[str, Any], share: float | None = None) -> str | None:
    """The alert message when the run stored nothing and the markup counters say why, or when too many pages
    were unreadable (`markup_share_alert`, when `share` is given); else None."""
    stored = sum(_int(stats, f"store/{name}") for name in ("new", "updated", "unchanged"))
    if stored:
        return markup_share_alert(stats, share) if share is not None else None
    # Pages that earlier runs could not read either are no news (markup/again/<reason>, set by the spider).
    first_tries = {
        key: _int(stats, key) - _int(stats, f"markup/again/{key.split('/', 1)[1]}") for key in MARKUP_COUNTERS
    }
    evidence = {key: count for key, count in first_tries.items() if count > 0}
    if not any(_int(stats, key) for key in LISTING_RECOGNISED):
        evidence |= {key: _int(stats, key) for key in LISTING_COUNTERS if _int(stats, key)}
    if not evidence:
        return markup_share_alert(stats, share) if share is not None else None
    counters = ", ".join(f"{key}={count}" for key, count in evidence.items())
    counts = _markup_counts(stats)
    examples = f" Unreadable: {_examples(stats, counts)}." if counts else ""
    return (
        "The site's markup has probably changed: this run stored no article, and pages were skipped or dropped "
        f"for a missing body, title, date or article list ({counters}).{examples} Check the layout parsers "
        "(laodongthudo/layouts) against a live page."
    )


def fallback_alert(stats: Mapping[str, Any], previous: Mapping[str, Any] | None) -> str | None:
    """The alert message when a field the layouts found in the previous run (`fields/<field>/layout`, counted
    by the parsers) came only from fallbacks (other layouts, metadata, generic rules) in this one; else None."""
    if not previous:
        return None
    fields = {key.split("/")[1] for key in stats if key.startswith("fields/") and key.count("/") == 2}
    lost = []
    for name in sorted(fields):
        sources = _by_reason(stats, f"fields/{name}/")
        fallbacks = sum(n for source, n in sources.items() if source != "layout")
        before = _int(previous, f"fields/{name}/layout")
        if fallbacks and not sources.get("layout") and before:
            lost.append(f"{name} (from fallbacks {fallbacks} times, from the layout 0; the previous run: {before})")
    if not lost:
        return None
    return (
        "The site's markup has probably changed: fields the layouts used to find came only from fallbacks in "
        f"this run: {'; '.join(lost)}. Check the layout parsers (laodongthudo/layouts) against a live page."
    )


# Listing failures that mean no answer came (DNS, refused or dropped connections, timeouts); any other reason
# (an HTTP status, a page over DOWNLOAD_MAXSIZE) means the site answered, with something unreadable.
NO_ANSWER_REASONS = frozenset({"listing_failed", "listing_timeout"})
ANSWER_HINTS = {"listing_too_large": "larger than DOWNLOAD_MAXSIZE (once decompressed)"}


def site_unreachable(stats: Mapping[str, Any]) -> str | None:
    """The alert message when sections stopped and not one listing page was read; else None.

    It says what was seen: no answer at all (then LDTD_BASE_URL or the network is the suspect), or answers
    that could not be read (an HTTP status, an oversize or gzip-bomb page: the network is fine)."""
    stopped = _int(stats, "listing/section_stopped")
    if not stopped or _int(stats, "listing/pages"):
        return None
    listing = {reason: n for reason, n in _by_reason(stats, "skipped/").items() if reason.startswith("listing_")}
    answered = {reason: n for reason, n in listing.items() if reason not in NO_ANSWER_REASONS}
    no_answer = {reason: n for reason, n in listing.items() if reason in NO_ANSWER_REASONS} | {
        key.rsplit(".", 1)[-1]: count
        for key, count in _by_reason(stats, "downloader/exception_type_count/").items()
        if count
    }
    seen = []
    if answered:
        described = (f"{r} {n}" + (f" ({ANSWER_HINTS[r]})" if r in ANSWER_HINTS else "") for r, n in answered.items())
        seen.append("the site answered, unreadably: " + ", ".join(described))
    if no_answer or not answered:
        seen.append("no answer: " + (", ".join(f"{c} {n}" for c, n in no_answer.items()) or "none came"))
    advice = (
        " Check LDTD_BASE_URL and the network."
        if no_answer or not answered
        else " The network and LDTD_BASE_URL work: check what the site serves at its listing pages."
    )
    return (
        f"The site could not be read: {stopped} section(s) stopped at their first listing page and no listing "
        f"page was read ({'; '.join(seen)}).{advice}"
    )


@dataclass
class RunRecord:
    """The `crawl_runs` row of a run, built from its final stats (see CrawlRunRow for the columns)."""

    started_at: datetime
    finished_at: datetime
    mode: str | None
    sections: list[str]
    since: date | None
    until: date | None
    pages_fetched: int
    listing_pages: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    dropped: dict[str, int]
    skipped: dict[str, int]
    errors: int
    finish_reason: str | None
    alert: str | None
    stats: dict[str, Any]
    items_lost: int = 0
    caught_up: str | None = None
    host: str | None = None
    pid: int | None = None
    reached_back: dict[str, date] = field(default_factory=dict)  # not stored: in `stats` as progress/*
    exit_status: int | None = None  # exit_status(stats); empty on the row while the run goes on
    base_url: str | None = None  # LDTD_BASE_URL: the live site or a replica
    id: int | None = None

    @property
    def heartbeat_at(self) -> datetime:
        return self.finished_at

    @staticmethod
    def starting(spider: Spider | None, started_at: datetime) -> dict[str, Any]:
        """The row inserted when a run starts: what it was asked, where it runs, nothing done yet."""
        plan = getattr(spider, "plan", None)
        mode = getattr(plan, "mode", None)
        row = {name: 0 for name in ("pages_fetched", "listing_pages", "errors", "items_lost")}
        row |= {f"articles_{name}": 0 for name in ("new", "updated", "unchanged")}
        return row | {
            "started_at": started_at,
            "finished_at": None,
            "heartbeat_at": started_at,
            "host": this_host(),
            "pid": os.getpid(),
            "mode": str(mode) if mode is not None else None,
            "sections": [str(s) for s in getattr(spider, "sections", ()) or ()],
            "since": getattr(plan, "since", None),
            "until": getattr(plan, "until", None),
            "base_url": _base_url(spider),
            "dropped": {},
            "skipped": {},
            "stats": {},
        }

    @classmethod
    def from_stats(
        cls,
        stats: Mapping[str, Any],
        spider: Spider | None,
        *,
        secrets: Sequence[str] = (),
        now: datetime | None = None,
    ) -> RunRecord:
        now = now or datetime.now(UTC)
        plan = getattr(spider, "plan", None)
        mode = getattr(plan, "mode", None)
        reached = getattr(spider, "oldest_seen", None) or {}
        return cls(
            started_at=_aware(stats.get("start_time"), now),
            finished_at=_aware(stats.get("finish_time"), now),
            mode=str(mode) if mode is not None else None,
            sections=[str(s) for s in getattr(spider, "sections", ()) or ()],
            since=getattr(plan, "since", None),
            until=getattr(plan, "until", None),
            pages_fetched=_int(stats, "downloader/response_count"),
            listing_pages=_int(stats, "listing/pages"),
            articles_new=_int(stats, "store/new"),
            articles_updated=_int(stats, "store/updated"),
            articles_unchanged=_int(stats, "store/unchanged"),
            dropped=_by_reason(stats, "dropped/"),
            skipped=_by_reason(stats, "skipped/"),
            errors=_int(stats, "log_count/ERROR") + _int(stats, "store/error"),
            finish_reason=stats.get("finish_reason"),
            alert=run_alert(stats),
            stats=scrub(dict(stats), list(secrets)),
            items_lost=_int(stats, "store/lost"),
            caught_up=stats.get(CAUGHT_UP_STAT),
            host=this_host(),
            pid=os.getpid(),
            reached_back={str(k): _day(v) for k, v in reached.items() if isinstance(v, date)},
            exit_status=exit_status(stats),
            base_url=_base_url(spider),
        )

    def row(self) -> dict[str, Any]:
        columns = {c.name for c in CrawlRunRow.__table__.columns} - {"id"}
        return {name: getattr(self, name) for name in columns}

    @property
    def duration(self) -> timedelta:
        return max(self.finished_at - self.started_at, timedelta(0))

    def coverage(self) -> str:
        """Per field: stored articles that had it, and its sources when the parsers counted them."""
        scraped = _int(self.stats, "coverage/articles")
        if not scraped:
            return ""
        parts = []
        for name in COVERAGE_FIELDS:
            sources = _by_reason(self.stats, f"fields/{name}/")
            source_text = ", ".join(f"{source} {n}" for source, n in sorted(sources.items(), key=lambda kv: -kv[1]))
            had = _int(self.stats, f"coverage/{name}")
            parts.append(f"{name} {had}/{scraped}" + (f" ({source_text})" if source_text else ""))
        return "; ".join(parts)

    def summary(self) -> str:
        """The one-screen summary, as plain-text rows of label and value."""
        seconds = self.duration.total_seconds()
        minutes = seconds / 60 if seconds > 0 else 0.0

        def per_minute(count: int) -> str:
            return f"{count / minutes:.1f}/min" if minutes else "-"

        def reasons(counts: dict[str, int]) -> str:
            total = sum(counts.values())
            if not total:
                return "0"
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            return f"{total}: " + ", ".join(f"{reason} {count}" for reason, count in ordered)

        stored = self.articles_new + self.articles_updated + self.articles_unchanged
        rows = [
            ("run", f"#{self.id}" if self.id is not None else "(not recorded)"),
            ("mode", self.mode or "-"),
            ("sections", ", ".join(self.sections) or "-"),
            ("days", f"since {self.since or '-'} until {self.until or '-'}"),
            ("started", self.started_at.astimezone(HANOI).isoformat(sep=" ", timespec="seconds")),
            ("duration", f"{timedelta(seconds=round(seconds))} ({seconds:.1f} s)"),
            ("pages fetched", f"{self.pages_fetched} ({per_minute(self.pages_fetched)})"),
            ("listing pages", str(self.listing_pages)),
            (
                "articles",
                f"new {self.articles_new}, updated {self.articles_updated}, unchanged {self.articles_unchanged}"
                f" ({per_minute(stored)} stored, {per_minute(self.articles_new)} new)",
            ),
            ("dropped", reasons(self.dropped)),
            ("skipped", reasons(self.skipped)),
            ("errors", str(self.errors)),
            ("finish reason", self.finish_reason or "-"),
            ("exit status", str(self.exit_status) if self.exit_status is not None else "-"),
        ]
        replaced = _int(self.stats, "decode/replacement_chars")
        if replaced:
            pages = _int(self.stats, "decode/pages_with_replacements")
            rows.append(("replaced chars", f"{replaced} invalid byte sequences in {pages} page(s), stored as U+FFFD"))
        if self.caught_up:
            rows.append(("caught up", f"read every listing page: {self.caught_up}"))
        if self.items_lost:
            rows.append(("NOT STORED", f"{self.items_lost} items (the next scheduled run catches up)"))
        if self.reached_back:
            rows.append(
                (
                    "reached back to",
                    ", ".join(f"{s} {d.isoformat()}" for s, d in sorted(self.reached_back.items())),
                )
            )
        coverage = self.coverage()
        if coverage:
            rows.append(("coverage", coverage))
        if self.stats.get(BOUND_STAT):
            rows.append(("STOPPED AT A BOUND", str(self.stats[BOUND_STAT])))
        if self.stats.get(ALERT_STAT):  # `alert` holds the lines below too
            rows.append(("ALERT", self.stats[ALERT_STAT]))
        if self.stats.get(UNREACHABLE_STAT):
            rows.append(("ALERT", self.stats[UNREACHABLE_STAT]))
        width = max(len(label) for label, _ in rows)
        lines = ["Crawl run summary", "-" * 60]
        lines += [f"{label:<{width}}  {value}" for label, value in rows]
        lines.append("-" * 60)
        return "\n".join(lines)


def write_run(database_url: str, record: RunRecord, *, forget_markup_skips: bool = False) -> int:
    """Complete the run's row (`record.id`; inserted when there is none yet, schema brought to head) and
    return its id.

    With `forget_markup_skips`, the skipped_urls rows this run left for a missing body are deleted in the
    same transaction. Raises StoreUnavailable when the database cannot be reached."""
    forget = (MARKUP_SKIP_REASONS, record.started_at) if forget_markup_skips else None
    return finish_run(database_url, record.row(), record.id, forget_skips=forget)


class RunRecordExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.database_url: str = settings.get("DATABASE_URL") or "sqlite:///laodongthudo.db"
        self.retry_times = max(0, settings.getint("STORE_RETRY_TIMES", 3))
        self.retry_delay = settings.getfloat("STORE_RETRY_DELAY", 1.0)
        self.alert_share = settings.getfloat("MARKUP_ALERT_SHARE", 0.10)
        self.heartbeat_interval = settings.getfloat("RUN_RECORD_HEARTBEAT", 60.0)
        self.record: RunRecord | None = None
        self.run_id: int | None = None  # the row inserted at the start
        self._heartbeat: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecordExtension:
        if not crawler.settings.getbool("RUN_RECORD_ENABLED", True):
            raise NotConfigured
        extension = cls(crawler)
        # Connected after CoreStats (a built-in extension), so finish_time and finish_reason are set.
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        return extension

    def item_scraped(self, item: Any, **kwargs: Any) -> None:
        """Count which fields an article that passed every pipeline had (the summary's coverage line)."""
        stats = self.crawler.stats
        if stats is None:
            return
        stats.inc_value("coverage/articles")
        for name in COVERAGE_FIELDS:
            value = getattr(item, name, None) if not isinstance(item, Mapping) else item.get(name)
            if value not in (None, "", [], {}):
                stats.inc_value(f"coverage/{name}")

    async def spider_opened(self, spider: Spider) -> None:
        """Leave the run's mark before it can die: its row, unfinished, then a heartbeat."""
        assert self.crawler.stats is not None
        started_at = _aware(self.crawler.stats.get_value("start_time"), datetime.now(UTC))
        try:
            self.run_id = await asyncio.to_thread(start_run, self.database_url, RunRecord.starting(spider, started_at))
        except Exception as error:
            message = str(error) if isinstance(error, StoreUnavailable) else describe_error(error)
            logger.warning("Cannot write the run's start record (it is written at its end): %s", message)
            return
        logger.info("Run #%d recorded as started in %s", self.run_id, mask_url(self.database_url))
        if self.heartbeat_interval > 0:
            self._heartbeat = asyncio.ensure_future(self._beat(self.run_id))

    async def _beat(self, run_id: int) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            try:
                await asyncio.to_thread(heartbeat, self.database_url, run_id)
            except Exception as error:  # an outage: the store pipeline reports it; the run goes on
                logger.debug("Cannot renew the run record's heartbeat: %s", error)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("finish_reason", stats.get_value("finish_reason") or reason)
        alert = markup_alert(stats.get_stats(), self.alert_share)
        if not alert and any(key.startswith("fields/") for key in stats.get_stats()):
            try:
                previous = await asyncio.to_thread(previous_run_stats, self.database_url, self.run_id)
            except Exception as error:  # the run record is written (or reported missing) below all the same
                logger.warning("Cannot read the previous run's stats: %s", describe_error(error))
                previous = None
            alert = fallback_alert(stats.get_stats(), previous)
        if alert:
            stats.set_value(ALERT_STAT, alert)
            logger.error(alert)
        unreachable = site_unreachable(stats.get_stats())
        if unreachable:
            stats.set_value(UNREACHABLE_STAT, unreachable)
            logger.error(unreachable)
        secrets = _secret_words(self.database_url)
        record = RunRecord.from_stats(stats.get_stats(), spider, secrets=secrets)
        record.id = self.run_id
        self.record = record
        try:
            record.id = await self._write(record)
        except Exception as error:
            message = str(error) if isinstance(error, StoreUnavailable) else describe_error(error)
            logger.error("Cannot write the run record to %s: %s", mask_url(self.database_url), message)
        text = record.summary()
        for secret in secrets:
            text = text.replace(secret, "***")
        logger.info("%s", text)

    async def _write(self, record: RunRecord) -> int:
        # The store pipeline has waited out the database already when it gave up: one try is enough then.
        retries = 0 if record.finish_reason == STORE_UNAVAILABLE else self.retry_times
        for attempt in range(retries + 1):
            try:
                return await asyncio.to_thread(
                    write_run, self.database_url, record, forget_markup_skips=bool(record.stats.get(ALERT_STAT))
                )
            except StoreUnavailable as error:
                if attempt == retries:
                    raise
                delay = self.retry_delay * 2**attempt
                logger.warning("%s; writing the run record again in %.1f s", error, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


def _base_url(spider: Spider | None) -> str | None:
    settings = getattr(spider, "settings", None)
    return str(settings.get("LDTD_BASE_URL")).rstrip("/") if settings is not None else None


def run_alert(stats: Mapping[str, Any]) -> str | None:
    """The `alert` column: the message of every outcome that makes `exit_status` non-zero, one a line."""
    messages = [str(stats[ALERT_STAT])] if stats.get(ALERT_STAT) else []
    lost = _int(stats, "store/lost")
    if stats.get("finish_reason") == STORE_UNAVAILABLE or lost:
        messages.append(f"The database was unavailable ({stats.get('finish_reason')}; {lost} items not stored).")
    if stats.get(UNREACHABLE_STAT):
        messages.append(str(stats[UNREACHABLE_STAT]))
    if stats.get(BOUND_STAT):
        messages.append(f"Stopped at a bound: {stats[BOUND_STAT]}")
    return "\n".join(messages) or None


def exit_status(stats: Mapping[str, Any]) -> int:
    """What `scrapy crawl` should exit with: 3 for the markup alert, 4 when storage was unavailable, 5 when
    the site could not be read, 6 when a section stopped at a bound."""
    if stats.get(ALERT_STAT):
        return 3
    if stats.get("finish_reason") == STORE_UNAVAILABLE or _int(stats, "store/lost"):
        return 4
    if stats.get(UNREACHABLE_STAT):
        return 5
    if stats.get(BOUND_STAT):
        return 6
    return 0


__all__ = [
    "ALERT_STAT",
    "BOUND_STAT",
    "UNREACHABLE_STAT",
    "RunRecord",
    "RunRecordExtension",
    "exit_status",
    "run_alert",
    "fallback_alert",
    "markup_alert",
    "markup_share_alert",
    "scrub",
    "site_unreachable",
    "write_run",
]
