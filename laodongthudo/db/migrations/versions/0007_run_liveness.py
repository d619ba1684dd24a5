"""crawl_runs: a row written when the run starts, with signs of life, finished when it ends

A run's row used to be written only at its end, so a run that died (kill -9, a database outage, a full disk)
left no trace and the gap it left went unnoticed. Now `finished_at` is empty while the run goes on; `host`,
`pid` and `heartbeat_at` tell a later run whether an unfinished row is a live run or a dead one; `items_lost`
is `store/lost` as a column; `caught_up` says why a scheduled run read every listing page (empty: it did not).

Revision ID: 0007_run_liveness
Revises: 0006_field_sources
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laodongthudo.db.types import AwareDateTime

revision: str = "0007_run_liveness"
down_revision: str | Sequence[str] | None = "0006_field_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.alter_column("finished_at", existing_type=AwareDateTime(), nullable=True)
        batch.add_column(sa.Column("heartbeat_at", AwareDateTime(), nullable=True))
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("items_lost", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("caught_up", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE crawl_runs SET finished_at = COALESCE(heartbeat_at, started_at) WHERE finished_at IS NULL")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("caught_up")
        batch.drop_column("items_lost")
        batch.drop_column("pid")
        batch.drop_column("host")
        batch.drop_column("heartbeat_at")
        batch.alter_column("finished_at", existing_type=AwareDateTime(), nullable=False)
