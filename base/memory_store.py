"""In-memory session store: the embedded default for one process (chat, demo, tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from base.stores import SessionStore


class MemorySessionStore(SessionStore):
    def __init__(self, ttl_seconds: int = 7 * 24 * 3600) -> None:
        self._ttl = ttl_seconds
        self._values: dict[str, tuple[float, str]] = {}  # key -> (expires at, JSON)
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # key -> (lock, waiters)

    async def load(self, key: str) -> str | None:
        found = self._values.get(key)
        if found is None:
            return None
        expires_at, value = found
        if expires_at < time.monotonic():
            del self._values[key]
            return None
        return value

    async def save(self, key: str, value: str) -> None:
        self._values[key] = (time.monotonic() + self._ttl, value)

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]  # keep the table small: one entry per busy sender
            else:
                self._locks[key] = (lock, users - 1)
