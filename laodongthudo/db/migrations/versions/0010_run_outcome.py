"""crawl_runs: how each run ended for a scheduler, and which site it crawled

`exit_status` is what `scrapy crawl` exited with (0 done, 3 markup alert, 4 database unavailable, 5 site
unreadable, 6 stopped at a bound; empty while running or when the run died). `alert` now holds the message of
every alerting outcome, not only the markup alert. `base_url` is the site root crawled (`LDTD_BASE_URL`), so that
a crawl of a replica is told from one of the live site. Finished rows of older runs get their exit status and
alert from their stored stats.

Revision ID: 0010_run_outcome
Revises: 0009_search
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from laodongthudo.db.types import JSONType

revision: str = "0010_run_outcome"
down_revision: str | Sequence[str] | None = "0009_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _outcome(stats: Mapping[str, Any], finish_reason: str | None) -> tuple[int, list[str]]:
    """The exit status and alert messages a finished run had, from its stats (frozen copy of the rules of
    laodongthudo.extensions.run_record at this revision: a migration must not change when the code does)."""
    lost = stats.get("store/lost") or 0
    outage = finish_reason == "store_unavailable" or (isinstance(lost, int) and lost > 0)
    messages = [str(stats["run/alert"])] if stats.get("run/alert") else []
    if outage:
        messages.append(f"The database was unavailable ({finish_reason}; {lost} items not stored).")
    if stats.get("run/site_unreachable"):
        messages.append(str(stats["run/site_unreachable"]))
    if stats.get("run/bounded"):
        messages.append(f"Stopped at a bound: {stats['run/bounded']}")
    if stats.get("run/alert"):
        return 3, messages
    if outage:
        return 4, messages
    if stats.get("run/site_unreachable"):
        return 5, messages
    return (6 if stats.get("run/bounded") else 0), messages


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("exit_status", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("base_url", sa.Text(), nullable=True))
    runs = sa.table(
        "crawl_runs",
        sa.column("id", sa.Integer()),
        sa.column("finished_at"),
        sa.column("finish_reason", sa.String()),
        sa.column("alert", sa.Text()),
        sa.column("stats", JSONType),
        sa.column("exit_status", sa.Integer()),
    )
    connection = op.get_bind()
    finished = connection.execute(
        sa.select(runs.c.id, runs.c.finish_reason, runs.c.stats).where(runs.c.finished_at.is_not(None))
    ).all()
    for run_id, finish_reason, stats in finished:
        status, messages = _outcome(stats or {}, finish_reason)
        connection.execute(
            sa.update(runs)
            .where(runs.c.id == run_id)
            .values(exit_status=status, alert="\n".join(messages) if messages else None)
        )


def downgrade() -> None:
    runs = sa.table(
        "crawl_runs", sa.column("id", sa.Integer()), sa.column("alert", sa.Text()), sa.column("stats", JSONType)
    )
    connection = op.get_bind()
    # `alert` goes back to holding the markup alert only (it is kept whole in the stats).
    for run_id, stats, alert in connection.execute(sa.select(runs.c.id, runs.c.stats, runs.c.alert)).all():
        markup = (stats or {}).get("run/alert")
        if alert and alert != markup:
            connection.execute(sa.update(runs).where(runs.c.id == run_id).values(alert=str(markup) if markup else None))
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("base_url")
        batch.drop_column("exit_status")
