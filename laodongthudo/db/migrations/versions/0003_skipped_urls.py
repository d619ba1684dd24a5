"""skipped_urls: pages the spider did not turn into articles, so that scheduled runs skip them

Revision ID: 0003_skipped_urls
Revises: 0002_entities
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laodongthudo.db.types import AwareDateTime

revision: str = "0003_skipped_urls"
down_revision: str | Sequence[str] | None = "0002_entities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "skipped_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", AwareDateTime(), nullable=False),
        sa.Column("last_seen_at", AwareDateTime(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skipped_urls")),
        sa.UniqueConstraint("url", name=op.f("uq_skipped_urls_url")),
    )


def downgrade() -> None:
    op.drop_table("skipped_urls")
