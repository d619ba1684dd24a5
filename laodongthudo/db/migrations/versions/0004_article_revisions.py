"""article_revisions: the previous version of an article whose content changed

Revision ID: 0004_article_revisions
Revises: 0003_skipped_urls
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laodongthudo.db.types import AwareDateTime, JSONType

revision: str = "0004_article_revisions"
down_revision: str | Sequence[str] | None = "0003_skipped_urls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=128), nullable=True),
        sa.Column("kicker", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("sapo", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("published_at", AwareDateTime(), nullable=True),
        sa.Column("tags", JSONType, nullable=False),
        sa.Column("images", JSONType, nullable=False),
        sa.Column("related", JSONType, nullable=False),
        sa.Column("stored_at", AwareDateTime(), nullable=False),
        sa.Column("replaced_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_revisions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revisions")),
    )
    op.create_index(op.f("ix_article_revisions_article_id"), "article_revisions", ["article_id"])


def downgrade() -> None:
    op.drop_table("article_revisions")
