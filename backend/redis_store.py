"""Redis session store: sessions as JSON with an idle TTL, one lock per sender.

Several server processes can share it; the per-sender lock (a Redis key with a
timeout, so a crashed process cannot hold it forever) serialises one sender's
messages across all of them. A turn costs two round trips: one script takes the lock
and reads the session, another writes the session and frees the lock, and only if
the lock is still this turn's (a turn that outlived its lock writes nothing).

There is no fallback: when Redis cannot be reached, a turn fails (the engine answers
its polite error and keeps nothing), ``GET /health`` answers 503, and ``jiuzhu serve``
refuses to start. Sessions are never kept in one process's memory behind the back of
the others (a later turn on another process would start the form over).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis import Redis as SyncRedis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import LockError, LockNotOwnedError, RedisError

from base.session import Session, session_key
from base.stores import SessionStore

DEFAULT_PREFIX = "jiuzhu:"
CONNECT_TIMEOUT = 5.0  # seconds to open a connection (an unreachable host fails, not hangs)
SOCKET_TIMEOUT = 30.0  # seconds for one command


# KEYS: lock, session · ARGV: token, lock milliseconds → {1, session or false} or {0}
_LOCK_AND_LOAD = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2])}
end
return {0}
"""
# KEYS: lock, session · ARGV: token, session JSON, TTL seconds → 1, or 0 (lock lost)
_SAVE_AND_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""
# KEYS: lock · ARGV: token → 1, or 0 (not ours)
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
_LOCK_POLL = 0.005  # seconds between tries for a busy sender's lock


class SessionStoreUnavailable(RuntimeError):
    """The configured session store does not answer."""


def _where(url: str) -> str:
    """The URL without a password, for messages."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def unavailable(url: str, error: BaseException) -> SessionStoreUnavailable:
    return SessionStoreUnavailable(
        f"无法连接 Redis 会话存储（{_where(url)}）：{str(error).rstrip('。.')}。"
        "会话不会改存到单个进程的内存里；请检查 JIUZHU_REDIS_URL 和 Redis 服务。"
    )


def check_redis(url: str) -> None:
    """Raise ``SessionStoreUnavailable`` unless Redis at ``url`` answers a PING now."""
    client = SyncRedis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT
    )
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        raise unavailable(url, exc) from exc
    finally:
        client.close()


class RedisSessionStore(SessionStore):
    def __init__(
        self,
        url: str,
        ttl_seconds: int = 7 * 24 * 3600,
        lock_timeout: float = 60.0,
        max_connections: int = 64,
        prefix: str = DEFAULT_PREFIX,
    ) -> None:
        # A blocking pool: under a burst, a turn waits for a free connection
        # instead of failing with "too many connections".
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=30,
            decode_responses=True,
            socket_connect_timeout=CONNECT_TIMEOUT,
            socket_timeout=SOCKET_TIMEOUT,
        )
        self.url = url
        self._redis: Redis = Redis(connection_pool=pool)
        self._ttl = ttl_seconds
        self._lock_timeout = lock_timeout
        self._sessions = f"{prefix}session:"
        self._locks = f"{prefix}lock:"
        self._lock_and_load = self._redis.register_script(_LOCK_AND_LOAD)
        self._save_and_unlock = self._redis.register_script(_SAVE_AND_UNLOCK)
        self._unlock = self._redis.register_script(_UNLOCK)

    async def load(self, key: str) -> str | None:
        value: str | None = await self._redis.get(self._sessions + key)
        return value

    async def save(self, key: str, value: str) -> None:
        await self._redis.set(self._sessions + key, value, ex=self._ttl)

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._sessions + key)

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        lock = self._redis.lock(
            self._locks + key,
            timeout=self._lock_timeout,
            sleep=0.005,
            blocking_timeout=self._lock_timeout,
        )
        async with lock:
            yield

    @asynccontextmanager
    async def transaction(self, channel: str, sender_id: str) -> AsyncIterator[Session]:
        """As ``SessionStore.transaction`` (lock, read, yield, write, unlock), in two
        round trips."""
        key = session_key(channel, sender_id)
        keys = [self._locks + key, self._sessions + key]
        token = secrets.token_hex(16)
        raw = await self._lock_then_load(keys, token)
        try:
            session = self.decode(raw, channel, sender_id)
            yield session
        except BaseException:
            await self._unlock(keys=keys[:1], args=[token])
            raise
        saved = await self._save_and_unlock(
            keys=keys, args=[token, self.encode(session), self._ttl]
        )
        if not saved:
            raise LockNotOwnedError("the session lock expired before the turn ended")

    async def _lock_then_load(self, keys: list[str], token: str) -> str | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._lock_timeout
        milliseconds = int(self._lock_timeout * 1000)
        while True:
            answer = await self._lock_and_load(keys=keys, args=[token, milliseconds])
            if int(answer[0]) == 1:
                return answer[1] if len(answer) > 1 else None  # type: ignore[no-any-return]
            if loop.time() >= deadline:
                raise LockError("timed out waiting for the session lock")
            await asyncio.sleep(_LOCK_POLL)

    async def ping(self) -> bool:
        """True when Redis answers; ``SessionStoreUnavailable`` (never False) when not."""
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError) as exc:
            raise unavailable(self.url, exc) from exc

    async def aclose(self) -> None:
        await self._redis.aclose(close_connection_pool=True)
