"""Guessing limits of the use-cases: how many failures (``services/limits.yml``), counted
in the case database (``backend.limits``) under a key naming what is guessed — a case, a
roster entry — so two senders, two channels and two processes share one count.

When a key gets locked, staff are told once, through the outbox (sink ``staff``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backend.clock import utcnow
from backend.limits import Limit
from base.datafiles import load_yaml

if TYPE_CHECKING:
    from backend.service import Backend

LIMITS_FILE = Path(__file__).with_name("limits.yml")


@lru_cache(maxsize=4)
def configured_limit(name: str) -> Limit:
    """``status`` or ``binding`` as configured."""
    item: dict[str, Any] = load_yaml(LIMITS_FILE)[name]
    return Limit(int(item["failures"]), timedelta(minutes=int(item["window_minutes"])))


@dataclass(frozen=True)
class Failure:
    """A failure just recorded: how many are left, and whether it locked the key."""

    left: int
    locked_until: datetime | None  # set when this failure (or an earlier one) locked it
    just_locked: bool  # this failure was the one that locked it


class Guard:
    """Failure counts under keys, with one limit."""

    def __init__(self, backend: Backend, limit: Limit) -> None:
        self.backend = backend
        self.limit = limit

    @property
    def minutes(self) -> int:
        return int(self.limit.window.total_seconds() // 60)

    def locked_until(self, *keys: str) -> datetime | None:
        """When the last of these keys opens again; None when all are open."""
        times = [self._until(key) for key in keys]
        found = [t for t in times if t is not None and t > utcnow()]
        return max(found) if found else None

    def _until(self, key: str) -> datetime | None:
        until = self.backend.limits.locked_until(key, self.limit)
        if until is not None and until.tzinfo is None:  # SQLite gives naive UTC back
            until = until.replace(tzinfo=UTC)
        return until

    def fail(self, key: str) -> Failure:
        count = self.backend.limits.fail(key, self.limit)
        until = self._until(key)
        return Failure(
            left=max(self.limit.failures - count, 0),
            locked_until=until,
            just_locked=count == self.limit.failures,
        )

    def lock_key(self, key: str, until: datetime) -> str:
        """The outbox key of the staff notice for this lock (one per lock, whoever saw it)."""
        return f"limit:{key}:locked:{until.replace(microsecond=0).isoformat()}"
