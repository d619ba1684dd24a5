"""The alert policy and the exit statuses of `scrapy crawl`, from a run's final stats alone.

Markup alert (exit 3): more than MARKUP_ALERT_SHARE of the article pages fetched could not be read for a markup
reason (`markup/<reason>`, counted by the spider; see laodongthudo.reasons), or the run stored nothing while
pages went missing a body or a date (MARKUP_COUNTERS), or a field the layouts found in the previous run came
only from fallbacks in this one. Any of these most likely means a new layout of the site.

Unreachable site (exit 5): no listing page could be read at all (DNS, refused connections, 5xx after retries, a
wrong LDTD_BASE_URL), so every section stopped at its first page: a scheduler must not take it for a quiet day.

The database unavailable (exit 4): the store pipeline gave up (`store_unavailable`), or items were left unstored.
A section stopped at a bound (exit 6): `run/bounded`, set by the spider.

`assess(stats, share, previous)` decides the alerts and the status; `exit_status(stats)` reads the status back
from stats that carry the alerts (what `scrapy crawl` does at its end).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from laodongthudo.reasons import (
    EMPTY_BODY,
    LISTING_PREFIX,
    NO_ANSWER_LISTING_REASONS,
    NO_BODY,
    NO_DATE,
    NO_TITLE,
    TOO_LARGE,
)

from .counts import by_reason, count

ALERT_STAT = "run/alert"
UNREACHABLE_STAT = "run/site_unreachable"
BOUND_STAT = "run/bounded"  # set by the spider when a section stopped at a bound
CAUGHT_UP_STAT = "run/caught_up"  # set by the spider: why this scheduled run reads every listing page
STORE_UNAVAILABLE = "store_unavailable"  # the finish reason when the store pipeline gave up

# Exit statuses of `scrapy crawl` (laodongthudo.commands.crawl adds 1, 7 and 128 + a signal).
EXIT_DONE = 0
EXIT_MARKUP_ALERT = 3
EXIT_STORE_UNAVAILABLE = 4
EXIT_SITE_UNREACHABLE = 5
EXIT_BOUNDED = 6

# Counters that go up when a page's markup is not what the parsers know.
MARKUP_COUNTERS = (f"skipped/{NO_BODY}", f"dropped/{NO_DATE}", f"dropped/{EMPTY_BODY}", f"dropped/{NO_TITLE}")
# Listing counters that tell the same when nothing on the listings was recognised either.
LISTING_COUNTERS = ("listing/unknown_layout", "listing/empty")
LISTING_RECOGNISED = ("listing/known", "listing/known_skipped")

ANSWER_HINTS = {LISTING_PREFIX + TOO_LARGE: "larger than DOWNLOAD_MAXSIZE (once decompressed)"}


def _markup_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """First tries unreadable for a markup reason, by reason (`markup/<reason>`, counted by the spider)."""
    counts = by_reason(stats, "markup/")
    return {reason: n for reason, n in counts.items() if "/" not in reason and n}


def _examples(stats: Mapping[str, Any], counts: Mapping[str, int]) -> str:
    reasons = []
    for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        examples = stats.get(f"markup/examples/{reason}") or []
        shown = f" (e.g. {', '.join(str(url) for url in examples)})" if examples else ""
        reasons.append(f"{reason} {n}{shown}")
    return "; ".join(reasons)


def markup_share_alert(stats: Mapping[str, Any], share: float) -> str | None:
    """The alert message when more than `share` of the article pages fetched were unreadable for a markup
    reason (`markup/<reason>` counted by the spider, with `markup/examples/<reason>`); else None. Pages that
    earlier runs could not read either (`articles/fetched_again`, `markup/again/...`) are left out: the first
    try of each page is the evidence."""
    fetched = count(stats, "articles/fetched") - count(stats, "articles/fetched_again")
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
    stored = sum(count(stats, f"store/{name}") for name in ("new", "updated", "unchanged"))
    if stored:
        return markup_share_alert(stats, share) if share is not None else None
    # Pages that earlier runs could not read either are no news (markup/again/<reason>, set by the spider).
    first_tries = {
        key: count(stats, key) - count(stats, f"markup/again/{key.split('/', 1)[1]}") for key in MARKUP_COUNTERS
    }
    evidence = {key: n for key, n in first_tries.items() if n > 0}
    if not any(count(stats, key) for key in LISTING_RECOGNISED):
        evidence |= {key: count(stats, key) for key in LISTING_COUNTERS if count(stats, key)}
    if not evidence:
        return markup_share_alert(stats, share) if share is not None else None
    counters = ", ".join(f"{key}={n}" for key, n in evidence.items())
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
        sources = by_reason(stats, f"fields/{name}/")
        fallbacks = sum(n for source, n in sources.items() if source != "layout")
        before = count(previous, f"fields/{name}/layout")
        if fallbacks and not sources.get("layout") and before:
            lost.append(f"{name} (from fallbacks {fallbacks} times, from the layout 0; the previous run: {before})")
    if not lost:
        return None
    return (
        "The site's markup has probably changed: fields the layouts used to find came only from fallbacks in "
        f"this run: {'; '.join(lost)}. Check the layout parsers (laodongthudo/layouts) against a live page."
    )


def _listing_failures(stats: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """Listing failures by reason: (answered unreadably, no answer at all, with the downloader's exceptions)."""
    listing = {reason: n for reason, n in by_reason(stats, "skipped/").items() if reason.startswith(LISTING_PREFIX)}
    answered = {reason: n for reason, n in listing.items() if reason not in NO_ANSWER_LISTING_REASONS}
    no_answer = {reason: n for reason, n in listing.items() if reason in NO_ANSWER_LISTING_REASONS} | {
        key.rsplit(".", 1)[-1]: n for key, n in by_reason(stats, "downloader/exception_type_count/").items() if n
    }
    return answered, no_answer


def site_unreachable(stats: Mapping[str, Any]) -> str | None:
    """The alert message when sections stopped and not one listing page was read; else None.

    It says what was seen: no answer at all (then LDTD_BASE_URL or the network is the suspect), or answers
    that could not be read (an HTTP status, an oversize or gzip-bomb page: the network is fine)."""
    stopped = count(stats, "listing/section_stopped")
    if not stopped or count(stats, "listing/pages"):
        return None
    answered, no_answer = _listing_failures(stats)
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


def exit_status(stats: Mapping[str, Any]) -> int:
    """What `scrapy crawl` should exit with: 3 for the markup alert, 4 when storage was unavailable, 5 when
    the site could not be read, 6 when a section stopped at a bound, else 0."""
    if stats.get(ALERT_STAT):
        return EXIT_MARKUP_ALERT
    if stats.get("finish_reason") == STORE_UNAVAILABLE or count(stats, "store/lost"):
        return EXIT_STORE_UNAVAILABLE
    if stats.get(UNREACHABLE_STAT):
        return EXIT_SITE_UNREACHABLE
    if stats.get(BOUND_STAT):
        return EXIT_BOUNDED
    return EXIT_DONE


def run_alert(stats: Mapping[str, Any]) -> str | None:
    """The `alert` column: the message of every outcome that makes `exit_status` non-zero, one a line."""
    messages = [str(stats[ALERT_STAT])] if stats.get(ALERT_STAT) else []
    lost = count(stats, "store/lost")
    if stats.get("finish_reason") == STORE_UNAVAILABLE or lost:
        messages.append(f"The database was unavailable ({stats.get('finish_reason')}; {lost} items not stored).")
    if stats.get(UNREACHABLE_STAT):
        messages.append(str(stats[UNREACHABLE_STAT]))
    if stats.get(BOUND_STAT):
        messages.append(f"Stopped at a bound: {stats[BOUND_STAT]}")
    return "\n".join(messages) or None


def needs_previous_run(stats: Mapping[str, Any], share: float) -> bool:
    """Does `assess` need the previous run's stats? Only to compare field sources, when no other alert holds."""
    return markup_alert(stats, share) is None and any(key.startswith("fields/") for key in stats)


@dataclass(frozen=True)
class Verdict:
    """What a run's final stats say: its alerts (None: none) and the exit status they make."""

    alert: str | None
    unreachable: str | None
    status: int

    def stats(self) -> dict[str, str]:
        """The stats that carry the alerts (so that `exit_status` and the crawl_runs row see them)."""
        found = {ALERT_STAT: self.alert, UNREACHABLE_STAT: self.unreachable}
        return {key: message for key, message in found.items() if message}


def assess(stats: Mapping[str, Any], share: float, previous: Mapping[str, Any] | None = None) -> Verdict:
    """The alerts and the exit status of a run with these final stats; `share` is MARKUP_ALERT_SHARE and
    `previous` the final stats of the run before (for the field-source comparison)."""
    alert = markup_alert(stats, share) or fallback_alert(stats, previous)
    unreachable = site_unreachable(stats)
    found = {ALERT_STAT: alert, UNREACHABLE_STAT: unreachable}
    status = exit_status({**stats, **{key: message for key, message in found.items() if message}})
    return Verdict(alert, unreachable, status)
