"""crawl_runs: one row per crawl, written when it closes

Revision ID: 0005_crawl_runs
Revises: 0004_article_revisions
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laodongthudo.db.types import AwareDateTime, JSONType

revision: str = "0005_crawl_runs"
down_revision: str | Sequence[str] | None = "0004_article_revisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", AwareDateTime(), nullable=False),
        sa.Column("finished_at", AwareDateTime(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("sections", JSONType, nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("listing_pages", sa.Integer(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_updated", sa.Integer(), nullable=False),
        sa.Column("articles_unchanged", sa.Integer(), nullable=False),
        sa.Column("dropped", JSONType, nullable=False),
        sa.Column("skipped", JSONType, nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("finish_reason", sa.Text(), nullable=True),
        sa.Column("alert", sa.Text(), nullable=True),
        sa.Column("stats", JSONType, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(op.f("ix_crawl_runs_started_at"), "crawl_runs", ["started_at"])


def downgrade() -> None:
    op.drop_table("crawl_runs")
