"""What a run is asked to do: scheduled (only what is new), backfill (a date range) or refresh (re-fetch).

The spider builds the plan from its arguments; pipelines read it from the run's
`laodongthudo.runcontext.RunContext` (no spider import).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from laodongthudo.timezone import HANOI  # days are Hanoi calendar days


class Mode(StrEnum):
    SCHEDULED = "scheduled"  # stop paging a section at the first listing page with nothing unseen
    BACKFILL = "backfill"  # page back until the listing passes `since`; store only what is in range
    REFRESH = "refresh"  # re-fetch known articles too; changed ones update their row


def parse_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


def parse_flag(value: str | bool | None, name: str = "flag") -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"", "0", "false", "no", "off", "none"}:
        return False
    raise ValueError(f"{name} must be 1 or 0 (true/false, yes/no), not {value!r}")


def hanoi_day(published: datetime) -> date:
    """The Hanoi calendar day of a publication time (a naive time is taken as Hanoi time)."""
    if published.tzinfo is None or published.utcoffset() is None:
        return published.date()
    return published.astimezone(HANOI).date()


@dataclass(frozen=True)
class CrawlPlan:
    mode: Mode
    since: date | None = None  # inclusive, Hanoi calendar day
    until: date | None = None  # inclusive

    @classmethod
    def from_args(cls, since: str | None = None, until: str | None = None, refresh: str | None = None) -> CrawlPlan:
        since_day, until_day = parse_day(since, "since"), parse_day(until, "until")
        if since_day and until_day and since_day > until_day:
            raise ValueError(f"since ({since_day}) is after until ({until_day})")
        if parse_flag(refresh, "refresh"):
            mode = Mode.REFRESH
        elif since_day or until_day:
            mode = Mode.BACKFILL
        else:
            mode = Mode.SCHEDULED
        return cls(mode, since_day, until_day)

    @property
    def refetch_known(self) -> bool:
        return self.mode is Mode.REFRESH

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.until is not None

    def in_range(self, published: datetime) -> bool:
        """Is this (aware) publication time inside the plan's days? Days are Hanoi calendar days."""
        day = hanoi_day(published)
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def before_range(self, published: datetime) -> bool:
        return self.since is not None and hanoi_day(published) < self.since

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        """What identifies the plan in a checkpoint: a resumed run must be asked the same."""
        return (
            str(self.mode),
            self.since.isoformat() if self.since else None,
            self.until.isoformat() if self.until else None,
        )
