"""Session stores: in-memory (default) and Redis (``JIUZHU_REDIS_URL``)."""

from __future__ import annotations

from base.memory_store import MemorySessionStore
from base.settings import Settings
from base.stores import SessionStore


def make_store(settings: Settings) -> SessionStore:
    if settings.redis_url:
        from backend.redis_store import RedisSessionStore

        return RedisSessionStore(
            settings.redis_url,
            ttl_seconds=settings.session_ttl_seconds,
            prefix=settings.redis_prefix,
        )
    return MemorySessionStore(ttl_seconds=settings.session_ttl_seconds)


__all__ = ["MemorySessionStore", "SessionStore", "make_store"]
