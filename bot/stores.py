"""Session stores: Redis (``JIUZHU_REDIS_URL``), else the case database (the embedded
default: a restart resumes a half-filled form). The memory store is for tests."""

from __future__ import annotations

from base.memory_store import MemorySessionStore
from base.sealing import SessionSealer
from base.settings import Settings
from base.stores import SessionStore


def make_store(settings: Settings) -> SessionStore:
    """The configured store, sealing what it writes (``base.sealing``)."""
    store = _store(settings)
    store.sealer = SessionSealer(settings.secret_key, settings.old_keys)
    return store


def _store(settings: Settings) -> SessionStore:
    if settings.redis_url:
        from backend.redis_store import RedisSessionStore

        return RedisSessionStore(
            settings.redis_url,
            ttl_seconds=settings.session_ttl_seconds,
            prefix=settings.redis_prefix,
        )
    from backend.db import Database
    from backend.session_store import DatabaseSessionStore

    # Its own engine: a turn holding its session's row must not wait for the connection
    # its own case writes need.
    return DatabaseSessionStore(
        Database(settings.database_url), ttl_seconds=settings.session_ttl_seconds
    )


__all__ = ["MemorySessionStore", "SessionStore", "make_store"]
