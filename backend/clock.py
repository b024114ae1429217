"""Time helpers: aware UTC in the database, China Standard Time for dates people see."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The China date of a moment (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).date()


def current_quarter(moment: datetime | None = None) -> str:
    day = local_day(moment or utcnow())
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
