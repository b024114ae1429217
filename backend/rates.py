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
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import delete, event, select

from backend.db import Database
from backend.models import RateCounter


@dataclass(frozen=True)
class Rate:
    limit: int
    window_seconds: int


class RateLimiter(ABC):
    async def hit(self, key: str, rate: Rate) -> int | None:
        """Count one message under ``key``; None when allowed, else the seconds until
        the window ends (``Retry-After``)."""
        now = time.time()
        window = rate.window_seconds
        start = int(now // window) * window
        current, previous = await self._count(key, start, window)
        share = 1 - (now - start) / window  # of the previous window still inside
        if current + previous * share <= rate.limit:
            return None
        if current > rate.limit:  # only this window's end helps
            return max(1, int(start + window - now + 0.999))
        # the previous window's messages age out: wait until enough of them have
        needed = (current + previous * share - rate.limit) / previous if previous else 0
        return max(1, int(needed * window + 0.999))

    @abstractmethod
    async def _count(self, key: str, start: int, window: int) -> tuple[int, int]:
        """Add one to the counter of (key, window start); returns the new count and
        the previous window's."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


class DatabaseRates(RateLimiter):
    """Counters in ``rate_counters``, on an engine of their own: a counter is not a case,
    so on SQLite its commits sync at checkpoints (``synchronous=NORMAL``, as the session
    store's), and a flood's counting does not queue behind case writes' syncs."""

    def __init__(self, database_url: str) -> None:
        self.database = Database(database_url)
        if self.database.dialect == "sqlite":
            event.listen(self.database.engine, "connect", _normal_sync)
        self._swept = 0

    async def aclose(self) -> None:
        self.database.dispose()

    async def _count(self, key: str, start: int, window: int) -> tuple[int, int]:
        return await anyio.to_thread.run_sync(self._count_sync, key, start, window)

    def _count_sync(self, key: str, start: int, window: int) -> tuple[int, int]:
        from sqlalchemy.dialects import postgresql, sqlite

        table = RateCounter.__table__  # type: ignore[attr-defined]
        module = postgresql if self.database.dialect == "postgresql" else sqlite
        statement = (
            module.insert(table)
            .values(key=key, window_start=start, count=1)
            .on_conflict_do_update(
                index_elements=[table.c.key, table.c.window_start],
                set_={"count": table.c.count + 1},
            )
            .returning(table.c.count)
        )
        with self.database.engine.begin() as connection:
            count = int(connection.execute(statement).scalar_one())
            previous = connection.execute(
                select(RateCounter.count).where(
                    RateCounter.key == key, RateCounter.window_start == start - window
                )
            ).scalar_one_or_none()
            if start > self._swept:  # a new window: the counters of old ones go
                self._swept = start
                connection.execute(
                    delete(RateCounter).where(RateCounter.window_start < start - window)  # type: ignore[arg-type]
                )
        return count, int(previous or 0)


class RedisRates(RateLimiter):
    def __init__(self, url: str, prefix: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url, decode_responses=True)
        self._prefix = f"{prefix}rate:"

    async def _count(self, key: str, start: int, window: int) -> tuple[int, int]:
        name = f"{self._prefix}{key}:{start}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, 2 * window + 1)  # read as the previous window, then gone
            pipe.get(f"{self._prefix}{key}:{start - window}")
            count, _, previous = await pipe.execute()
        return int(count), int(previous or 0)

    async def aclose(self) -> None:
        await self._redis.aclose()


def _normal_sync(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
