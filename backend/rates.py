"""Rate limits on incoming messages (REST channel, web chat), per key: a sliding window
estimated from two fixed ones (this window's count plus the share of the previous
window's count that still lies within the last ``window_seconds``), so a window's start
does not hand a sender a fresh allowance.

A key names who sends: ``rest:sender:<id>``, ``rest:address:<ip>``, ``web:sender:…``.
With Redis (``JIUZHU_REDIS_URL``) the counters are Redis keys that expire with their
window; without it, rows of ``rate_counters`` in the case database (old windows are
deleted as new ones start). Every server process shares them either way.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, event, select

from backend.db import Database
from backend.models import RateCounter
from base.threads import run_serial, run_sync


@dataclass(frozen=True)
class Rate:
    limit: int
    window_seconds: int


class RateLimiter(ABC):
    async def hit(self, key: str, rate: Rate) -> int | None:
        """Count one message under ``key``; None when allowed, else the seconds until
        the window ends (``Retry-After``)."""
        [wait] = await self.hits([(key, rate)])
        return wait

    async def hits(self, keys: Sequence[tuple[str, Rate]]) -> list[int | None]:
        """``hit`` for several keys at once (one message counted under each), in one
        round trip to the counters."""
        now = time.time()
        starts = [int(now // rate.window_seconds) * rate.window_seconds for _, rate in keys]
        counts = await self._count_many(
            [
                (key, start, rate.window_seconds)
                for (key, rate), start in zip(keys, starts, strict=True)
            ]
        )
        return [
            _wait(now, rate, start, current, previous)
            for (_, rate), start, (current, previous) in zip(keys, starts, counts, strict=True)
        ]

    async def _count_many(self, counters: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
        """``_count`` of each (key, window start, window)."""
        return [await self._count(key, start, window) for key, start, window in counters]

    @abstractmethod
    async def _count(self, key: str, start: int, window: int) -> tuple[int, int]:
        """Add one to the counter of (key, window start); returns the new count and
        the previous window's."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


def _wait(now: float, rate: Rate, start: int, current: int, previous: int) -> int | None:
    window = rate.window_seconds
    share = 1 - (now - start) / window  # of the previous window still inside
    if current + previous * share <= rate.limit:
        return None
    if current > rate.limit:  # only this window's end helps
        return max(1, int(start + window - now + 0.999))
    # the previous window's messages age out: wait until enough of them have
    needed = (current + previous * share - rate.limit) / previous if previous else 0
    return max(1, int(needed * window + 0.999))


class DatabaseRates(RateLimiter):
    """Counters in ``rate_counters``, on an engine of their own: a counter is not a case,
    so on SQLite its commits sync at checkpoints (``synchronous=NORMAL``, as the session
    store's), and a flood's counting does not queue behind case writes' syncs. A
    message's counters (its sender's and its address's) are counted in one transaction;
    on SQLite in plain SQL (this is on every message's path)."""

    def __init__(self, database_url: str) -> None:
        self.database = Database(database_url)
        if self.database.dialect == "sqlite":
            event.listen(self.database.engine, "connect", _normal_sync)
        self._swept = 0

    async def aclose(self) -> None:
        self.database.dispose()

    async def _count(self, key: str, start: int, window: int) -> tuple[int, int]:
        [counted] = await self._count_many([(key, start, window)])
        return counted

    async def _count_many(self, counters: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
        if self.database.dialect == "sqlite":
            return await run_serial(self._count_sqlite, counters)  # one writer at a time
        return await run_sync(self._count_sync, counters)

    def _sweep_before(self, counters: list[tuple[str, int, int]]) -> int | None:
        """The window start before which counters are deleted, when a new window began."""
        oldest = None
        for _, start, window in counters:
            if start > self._swept:  # a new window: the counters of old ones go
                self._swept = start
                oldest = start - window if oldest is None else min(oldest, start - window)
        return oldest

    def _count_sqlite(self, counters: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
        with self.database.kept_connection() as raw:  # on the one thread of short writes
            cursor = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                counted = []
                for key, start, window in counters:
                    count = cursor.execute(_COUNT_SQLITE, (key, start)).fetchone()[0]
                    previous = cursor.execute(_PREVIOUS_SQLITE, (key, start - window)).fetchone()
                    counted.append((int(count), int(previous[0] if previous else 0)))
                oldest = self._sweep_before(counters)
                if oldest is not None:
                    cursor.execute("DELETE FROM rate_counters WHERE window_start < ?", (oldest,))
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
        return counted

    def _count_sync(self, counters: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
        from sqlalchemy.dialects import postgresql, sqlite

        table = RateCounter.__table__  # type: ignore[attr-defined]
        module = postgresql if self.database.dialect == "postgresql" else sqlite
        counted = []
        with self.database.engine.begin() as connection:
            for key, start, window in counters:
                statement = (
                    module.insert(table)
                    .values(key=key, window_start=start, count=1)
                    .on_conflict_do_update(
                        index_elements=[table.c.key, table.c.window_start],
                        set_={"count": table.c.count + 1},
                    )
                    .returning(table.c.count)
                )
                count = int(connection.execute(statement).scalar_one())
                previous = connection.execute(
                    select(RateCounter.count).where(
                        RateCounter.key == key, RateCounter.window_start == start - window
                    )
                ).scalar_one_or_none()
                counted.append((count, int(previous or 0)))
            oldest = self._sweep_before(counters)
            if oldest is not None:
                connection.execute(
                    delete(RateCounter).where(RateCounter.window_start < oldest)  # type: ignore[arg-type]
                )
        return counted


_COUNT_SQLITE = (
    "INSERT INTO rate_counters (key, window_start, count) VALUES (?, ?, 1)"
    " ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count"
)
_PREVIOUS_SQLITE = "SELECT count FROM rate_counters WHERE key = ? AND window_start = ?"


# KEYS: per counter its window's key, then the previous window's · ARGV: per counter the
# seconds its key lives → per counter the new count and the previous window's count
_COUNT_REDIS = """
local counted = {}
for i = 1, #KEYS, 2 do
  counted[#counted + 1] = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[(i + 1) / 2])
  local previous = redis.call('GET', KEYS[i + 1])
  counted[#counted + 1] = previous and tonumber(previous) or 0
end
return counted
"""


class RedisRates(RateLimiter):
    """Counters as Redis keys; a message's counters in one script (one round trip)."""

    def __init__(self, url: str, prefix: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url, decode_responses=True)
        self._prefix = f"{prefix}rate:"
        self._count_script = self._redis.register_script(_COUNT_REDIS)

    async def _count(self, key: str, start: int, window: int) -> tuple[int, int]:
        [counted] = await self._count_many([(key, start, window)])
        return counted

    async def _count_many(self, counters: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
        keys: list[str] = []
        lives: list[int] = []
        for key, start, window in counters:
            keys += [f"{self._prefix}{key}:{start}", f"{self._prefix}{key}:{start - window}"]
            lives.append(2 * window + 1)  # read as the previous window, then gone
        answers = await self._count_script(keys=keys, args=lives)
        return [(int(answers[i]), int(answers[i + 1])) for i in range(0, len(answers), 2)]

    async def aclose(self) -> None:
        await self._redis.aclose()


def _normal_sync(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
