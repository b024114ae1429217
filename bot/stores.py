"""Session stores: Redis (``JIUZHU_REDIS_URL``), else the case database (the embedded
default: a restart resumes a half-filled form). The memory store is for tests."""

from __future__ import annotations

from base.memory_store import MemorySessionStore
from base.settings import Settings
from base.stores import SessionStore


def make_store(settings: Settings) -> SessionStore:
    if settings.redis_url:
        from backend.redis_store import RedisSessionStore

        return RedisSessionStore(settings.redis_url, ttl_seconds=settings.session_ttl_seconds)
    from backend.db import Database
    from backend.session_store import DatabaseSessionStore

    # Its own engine: a turn holding its session's row must not wait for the connection
    # its own case writes need.
    return DatabaseSessionStore(
        Database(settings.database_url), ttl_seconds=settings.session_ttl_seconds
    )


__all__ = ["MemorySessionStore", "SessionStore", "make_store"]
