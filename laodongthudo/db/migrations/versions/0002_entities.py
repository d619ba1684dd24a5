"""entities and article_entities: who and what each article mentions

Revision ID: 0002_entities
Revises: 0001_articles
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laodongthudo.db.types import JSONType

revision: str = "0002_entities"
down_revision: str | Sequence[str] | None = "0001_articles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("aliases", JSONType, nullable=False),
        sa.CheckConstraint("type IN ('PERSON', 'ORGANIZATION', 'LOCATION')", name=op.f("ck_entities_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("type", "key", name=op.f("uq_entities_type_key")),
    )
    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("mention_count", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_entities_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], name=op.f("fk_article_entities_entity_id_entities")),
        sa.PrimaryKeyConstraint("article_id", "entity_id", name=op.f("pk_article_entities")),
    )
    op.create_index(op.f("ix_article_entities_entity_id"), "article_entities", ["entity_id"])


def downgrade() -> None:
    op.drop_table("article_entities")
    op.drop_table("entities")
