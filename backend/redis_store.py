"""Redis session store: sessions as JSON with an idle TTL, one lock per sender.

Several server processes can share it; the per-sender lock (a Redis lock with a
timeout, so a crashed process cannot hold it forever) serialises one sender's
messages across all of them.

There is no fallback: when Redis cannot be reached, a turn fails (the engine answers
its polite error and keeps nothing), ``GET /health`` answers 503, and ``jiuzhu serve``
refuses to start. Sessions are never kept in one process's memory behind the back of
the others (a later turn on another process would start the form over).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis import Redis as SyncRedis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

from base.stores import SessionStore

DEFAULT_PREFIX = "jiuzhu:"
CONNECT_TIMEOUT = 5.0  # seconds to open a connection (an unreachable host fails, not hangs)
SOCKET_TIMEOUT = 30.0  # seconds for one command


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

    async def ping(self) -> bool:
        """True when Redis answers; ``SessionStoreUnavailable`` (never False) when not."""
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError) as exc:
            raise unavailable(self.url, exc) from exc

    async def aclose(self) -> None:
        await self._redis.aclose(close_connection_pool=True)
