"""Redis session store: sessions as JSON with an idle TTL, one lock per sender.

Several server processes can share it; the per-sender lock (a Redis lock with a
timeout, so a crashed process cannot hold it forever) serialises one sender's
messages across all of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import BlockingConnectionPool, Redis

from base.stores import SessionStore

_PREFIX = "jiuzhu:session:"
_LOCK_PREFIX = "jiuzhu:lock:"


class RedisSessionStore(SessionStore):
    def __init__(
        self,
        url: str,
        ttl_seconds: int = 7 * 24 * 3600,
        lock_timeout: float = 60.0,
        max_connections: int = 64,
    ) -> None:
        # A blocking pool: under a burst, a turn waits for a free connection
        # instead of failing with "too many connections".
        pool = BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=30, decode_responses=True
        )
        self._redis: Redis = Redis(connection_pool=pool)
        self._ttl = ttl_seconds
        self._lock_timeout = lock_timeout

    async def load(self, key: str) -> str | None:
        value: str | None = await self._redis.get(_PREFIX + key)
        return value

    async def save(self, key: str, value: str) -> None:
        await self._redis.set(_PREFIX + key, value, ex=self._ttl)

    async def delete(self, key: str) -> None:
        await self._redis.delete(_PREFIX + key)

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        lock = self._redis.lock(
            _LOCK_PREFIX + key,
            timeout=self._lock_timeout,
            sleep=0.005,
            blocking_timeout=self._lock_timeout,
        )
        async with lock:
            yield

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def aclose(self) -> None:
        await self._redis.aclose(close_connection_pool=True)
