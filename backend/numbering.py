"""Case numbers ``JZ20261123-0007``: the China date and a per-day sequence.

The counter row is bumped with one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING``,
so concurrent creations (PostgreSQL row lock, SQLite write lock) never share a number,
and the number is taken in the same transaction as the case: a rolled-back creation
leaves no gap.
"""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session

from backend.models import CaseCounter
from backend.sqlhelp import dialect_insert

CASE_NO = re.compile(r"^JZ(\d{8})-(\d{4,})$")


def format_case_no(day: date, sequence: int) -> str:
    return f"JZ{day:%Y%m%d}-{sequence:04d}"


def next_case_no(session: Session, day: date) -> str:
    key = f"{day:%Y%m%d}"
    table = CaseCounter.__table__  # type: ignore[attr-defined]
    stmt = dialect_insert(session, table).values(day=key, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.day], set_={"last": table.c.last + 1}
    ).returning(table.c.last)
    sequence = session.execute(stmt).scalar_one()
    return format_case_no(day, int(sequence))


def looks_like_case_no(text: str) -> bool:
    return bool(CASE_NO.match(text.strip().upper()))
