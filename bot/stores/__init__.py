"""Session stores: in-memory (default) and Redis (``JIUZHU_REDIS_URL``)."""

from __future__ import annotations

from bot.settings import Settings
from bot.stores.base import SessionStore
from bot.stores.memory import MemorySessionStore


def make_store(settings: Settings) -> SessionStore:
    if settings.redis_url:
        from bot.stores.redis_store import RedisSessionStore

        return RedisSessionStore(settings.redis_url, ttl_seconds=settings.session_ttl_seconds)
    return MemorySessionStore(ttl_seconds=settings.session_ttl_seconds)


__all__ = ["MemorySessionStore", "SessionStore", "make_store"]
