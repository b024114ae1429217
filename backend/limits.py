"""Limits on guessing, kept in the case database so every process and channel shares them.

A key names what is being guessed, not who guesses: ``status:<case_no>`` (case number +
last 6 of the 身份证号), ``bind:<roster id>`` (binding a chat to a roster entry),
``signin:<address>`` and ``token:<address>`` (console sign-in and Bearer tokens). A new
sender id or a second server process therefore starts from the same count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from backend.clock import utcnow
from backend.db import Database
from backend.models import FailedAttempt


@dataclass(frozen=True)
class Limit:
    """At most ``failures`` failed attempts per ``window``; then locked until the oldest
    failure of the window has aged out."""

    failures: int
    window: timedelta


class Limits:
    def __init__(self, database: Database) -> None:
        self.database = database

    def locked_until(self, key: str, limit: Limit) -> datetime | None:
        """When the key opens again, or None when it is open now."""
        now = utcnow()
        with self.database.session() as session:
            times = list(
                session.execute(
                    select(FailedAttempt.at)
                    .where(FailedAttempt.key == key, FailedAttempt.at > now - limit.window)
                    .order_by(FailedAttempt.at.desc())  # type: ignore[attr-defined]
                    .limit(limit.failures)
                ).scalars()
            )
        if len(times) < limit.failures:
            return None
        return times[-1] + limit.window

    def fail(self, key: str, limit: Limit) -> int:
        """Record a failure; returns the failures now in the window (this one included)."""
        now = utcnow()
        with self.database.session() as session:
            session.add(FailedAttempt(key=key, at=now))
            session.flush()
            # Old rows are of no use to any window: drop them as we go.
            session.execute(
                delete(FailedAttempt).where(
                    FailedAttempt.key == key, FailedAttempt.at <= now - limit.window
                )
            )
            count = session.execute(
                select(func.count())
                .select_from(FailedAttempt)
                .where(FailedAttempt.key == key, FailedAttempt.at > now - limit.window)
            ).scalar_one()
        return int(count)

    def clear(self, key: str) -> None:
        """Forget the failures of a key (after a success)."""
        with self.database.session() as session:
            session.execute(delete(FailedAttempt).where(FailedAttempt.key == key))
