"""articles.field_sources: where the parser found each field (layout, other_layout, generic, metadata)

Revision ID: 0006_field_sources
Revises: 0005_crawl_runs
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laodongthudo.db.types import JSONType

revision: str = "0006_field_sources"
down_revision: str | Sequence[str] | None = "0005_crawl_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows stored before this revision: nothing recorded, an empty object.
    op.add_column("articles", sa.Column("field_sources", JSONType, nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("field_sources")
