"""Column types that behave the same on SQLite and PostgreSQL.

Migrations import these, so keep them backward compatible: change storage only with a new revision.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

from laodongthudo.timezone import HANOI

# JSON everywhere, JSONB on PostgreSQL (indexable, compact).
JSONType: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class AwareDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetime: accepts aware values only, returns them in Hanoi time (+07:00).

    PostgreSQL stores `timestamptz`. SQLite has no datetime type, so it stores fixed-width ISO 8601
    text in UTC: aware on read, and text order equals time order (sorting, range filters work).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            # Guessing a zone for a naive value would silently shift it by hours: refuse it.
            raise ValueError(f"naive datetime {value.isoformat()} given: a timezone-aware value is required")
        utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc.isoformat(timespec="microseconds")
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:  # written by something else without an offset: it is UTC by contract
            value = value.replace(tzinfo=UTC)
        return value.astimezone(HANOI)
