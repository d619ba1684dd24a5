"""pages: every fetched article and listing page, compressed; articles and revisions point to theirs

Revision ID: 0008_pages
Revises: 0007_run_liveness
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laodongthudo.db.types import AwareDateTime, JSONType

revision: str = "0008_pages"
down_revision: str | Sequence[str] | None = "0007_run_liveness"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POINTING = ("articles", "article_revisions")


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", JSONType, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("compression", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", AwareDateTime(), nullable=False),
        sa.Column("last_fetched_at", AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("url", "sha256", name=op.f("uq_pages_url_sha256")),
    )
    op.create_index(op.f("ix_pages_url"), "pages", ["url"])
    op.create_index(op.f("ix_pages_fetched_at"), "pages", ["fetched_at"])
    for table in POINTING:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("page_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_{table}_page_id_pages"), "pages", ["page_id"], ["id"], ondelete="SET NULL"
            )


def downgrade() -> None:
    for table in POINTING:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_page_id_pages"), type_="foreignkey")
            batch.drop_column("page_id")
    op.drop_table("pages")
