"""Case statistics: counts by status, kind, channel and ISO week of creation (China date)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from backend.db import Database
from backend.models import Case
from backend.schemas import Stats


def case_stats(database: Database, township: str | None = None) -> Stats:
    where = [Case.township == township] if township is not None else []
    with database.session() as session:

        def count_by(column: Any) -> dict[str, int]:
            query = select(column, func.count()).where(*where).group_by(column).order_by(column)
            return {str(key): int(n) for key, n in session.execute(query)}

        if session.get_bind().dialect.name == "postgresql":
            day = func.to_char(func.timezone("Asia/Shanghai", Case.created_at), "YYYY-MM-DD")
        else:
            day = func.strftime("%Y-%m-%d", Case.created_at, "+8 hours")
        weeks: dict[str, int] = {}
        for key, n in count_by(day).items():
            year, week, _ = date.fromisoformat(key).isocalendar()
            label = f"{year}-W{week:02d}"
            weeks[label] = weeks.get(label, 0) + n
        return Stats(
            by_status=count_by(Case.status),
            by_kind=count_by(Case.kind),
            by_channel=count_by(Case.channel),
            by_week=dict(sorted(weeks.items())),
        )
