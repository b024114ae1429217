"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def dialect_insert(session: Session, table: Any) -> Any:
    """An INSERT with ``on_conflict_do_*`` for the session's database."""
    name = session.get_bind().dialect.name
    module = postgresql if name == "postgresql" else sqlite
    return module.insert(table)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def sqlite_stamp(moment: datetime) -> str:
    """A UTC time as SQLAlchemy stores ``DateTime`` in SQLite, for plain SQL on the hot
    path (the stored strings compare in time order)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
