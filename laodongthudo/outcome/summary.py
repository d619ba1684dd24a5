"""The one-screen summary of a run in the log, and its per-field coverage line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from laodongthudo.timezone import HANOI

from .counts import by_reason, count
from .verdict import ALERT_STAT, BOUND_STAT, UNREACHABLE_STAT

if TYPE_CHECKING:
    from .record import RunRecord

# Fields of stored articles the coverage line counts (`coverage/<field>`, from scraped items).
COVERAGE_FIELDS = (
    "title", "kicker", "sapo", "published_at", "author", "body", "images", "related", "tags", "section",
)  # fmt: skip


def coverage(stats: Mapping[str, Any]) -> str:
    """Per field: stored articles that had it, and its sources when the parsers counted them."""
    scraped = count(stats, "coverage/articles")
    if not scraped:
        return ""
    parts = []
    for name in COVERAGE_FIELDS:
        sources = by_reason(stats, f"fields/{name}/")
        source_text = ", ".join(f"{source} {n}" for source, n in sorted(sources.items(), key=lambda kv: -kv[1]))
        had = count(stats, f"coverage/{name}")
        parts.append(f"{name} {had}/{scraped}" + (f" ({source_text})" if source_text else ""))
    return "; ".join(parts)


def _reasons(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return "0"
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"{total}: " + ", ".join(f"{reason} {n}" for reason, n in ordered)


def _main_rows(record: RunRecord) -> list[tuple[str, str]]:
    seconds = record.duration.total_seconds()
    minutes = seconds / 60 if seconds > 0 else 0.0

    def per_minute(n: int) -> str:
        return f"{n / minutes:.1f}/min" if minutes else "-"

    stored = record.articles_new + record.articles_updated + record.articles_unchanged
    return [
        ("run", f"#{record.id}" if record.id is not None else "(not recorded)"),
        ("mode", record.mode or "-"),
        ("sections", ", ".join(record.sections) or "-"),
        ("days", f"since {record.since or '-'} until {record.until or '-'}"),
        ("started", record.started_at.astimezone(HANOI).isoformat(sep=" ", timespec="seconds")),
        ("duration", f"{timedelta(seconds=round(seconds))} ({seconds:.1f} s)"),
        ("pages fetched", f"{record.pages_fetched} ({per_minute(record.pages_fetched)})"),
        ("listing pages", str(record.listing_pages)),
        (
            "articles",
            f"new {record.articles_new}, updated {record.articles_updated}, unchanged {record.articles_unchanged}"
            f" ({per_minute(stored)} stored, {per_minute(record.articles_new)} new)",
        ),
        ("dropped", _reasons(record.dropped)),
        ("skipped", _reasons(record.skipped)),
        ("errors", str(record.errors)),
        ("finish reason", record.finish_reason or "-"),
        ("exit status", str(record.exit_status) if record.exit_status is not None else "-"),
    ]


def _notice_rows(record: RunRecord) -> list[tuple[str, str]]:
    """The rows shown only when they have something to say."""
    stats = record.stats
    rows = []
    replaced = count(stats, "decode/replacement_chars")
    if replaced:
        pages = count(stats, "decode/pages_with_replacements")
        rows.append(("replaced chars", f"{replaced} invalid byte sequences in {pages} page(s), stored as U+FFFD"))
    if record.caught_up:
        rows.append(("caught up", f"read every listing page: {record.caught_up}"))
    if record.items_lost:
        rows.append(("NOT STORED", f"{record.items_lost} items (the next scheduled run catches up)"))
    if record.reached_back:
        reached = ", ".join(f"{s} {d.isoformat()}" for s, d in sorted(record.reached_back.items()))
        rows.append(("reached back to", reached))
    if line := coverage(stats):
        rows.append(("coverage", line))
    if stats.get(BOUND_STAT):
        rows.append(("STOPPED AT A BOUND", str(stats[BOUND_STAT])))
    if stats.get(ALERT_STAT):  # `alert` holds the other outcomes' messages too, shown above and below
        rows.append(("ALERT", stats[ALERT_STAT]))
    if stats.get(UNREACHABLE_STAT):
        rows.append(("ALERT", stats[UNREACHABLE_STAT]))
    return rows


def summary(record: RunRecord) -> str:
    """The one-screen summary, as plain-text rows of label and value."""
    rows = _main_rows(record) + _notice_rows(record)
    width = max(len(label) for label, _ in rows)
    lines = ["Crawl run summary", "-" * 60]
    lines += [f"{label:<{width}}  {value}" for label, value in rows]
    lines.append("-" * 60)
    return "\n".join(lines)
