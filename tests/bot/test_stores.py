"""Both session stores keep one sender's writes and never block other senders."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from base.memory_store import MemorySessionStore
from base.settings import Settings
from base.stores import SessionStore
from tests.support.servers import require_redis


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[SessionStore]:
    if request.param == "memory":
        yield MemorySessionStore(ttl_seconds=60)
        return
    from backend.redis_store import RedisSessionStore

    redis_store = RedisSessionStore(require_redis(), ttl_seconds=60)
    yield redis_store
    await redis_store.aclose()


def _sender() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


async def test_new_sender_gets_an_empty_session(store: SessionStore) -> None:
    sender = _sender()
    assert await store.get("rest", sender) is None
    async with store.transaction("rest", sender) as session:
        assert session.flow is None and session.slots == {}
        session.slots["seen"] = True
    again = await store.get("rest", sender)
    assert again is not None and again.slots == {"seen": True}


async def test_concurrent_messages_of_one_sender_lose_no_write(store: SessionStore) -> None:
    sender = _sender()

    async def bump() -> None:
        async with store.transaction("rest", sender) as session:
            count = session.slots.get("count", 0)
            await asyncio.sleep(0.001)  # widen the window a lost update would need
            session.slots["count"] = count + 1

    await asyncio.gather(*(bump() for _ in range(30)))
    session = await store.get("rest", sender)
    assert session is not None and session.slots["count"] == 30


async def test_other_senders_are_not_blocked(store: SessionStore) -> None:
    held = asyncio.Event()
    release = asyncio.Event()
    first, second = _sender(), _sender()

    async def hold_first() -> None:
        async with store.transaction("rest", first):
            held.set()
            await release.wait()

    holder = asyncio.create_task(hold_first())
    await held.wait()
    async with asyncio.timeout(2):
        async with store.transaction("rest", second) as session:
            session.slots["ok"] = 1
    release.set()
    await holder
    done = await store.get("rest", second)
    assert done is not None and done.slots == {"ok": 1}


async def test_a_failed_turn_writes_nothing(store: SessionStore) -> None:
    sender = _sender()
    async with store.transaction("rest", sender) as session:
        session.slots["kept"] = "yes"
    with pytest.raises(RuntimeError):
        async with store.transaction("rest", sender) as session:
            session.slots["kept"] = "no"
            raise RuntimeError("boom")
    session_after = await store.get("rest", sender)
    assert session_after is not None and session_after.slots["kept"] == "yes"


async def test_channels_keep_separate_sessions(store: SessionStore) -> None:
    sender = _sender()
    async with store.transaction("rest", sender) as session:
        session.slots["where"] = "rest"
    assert await store.get("telegram", sender) is None


async def test_memory_sessions_expire_when_idle() -> None:
    store = MemorySessionStore(ttl_seconds=0)
    async with store.transaction("rest", "idle") as session:
        session.slots["x"] = 1
    await asyncio.sleep(0.01)
    assert await store.get("rest", "idle") is None


async def test_redis_sessions_are_json_with_an_idle_ttl() -> None:
    import json

    from redis.asyncio import Redis

    from backend.redis_store import RedisSessionStore

    url = require_redis()
    store = RedisSessionStore(url, ttl_seconds=120)
    sender = _sender()
    async with store.transaction("rest", sender) as session:
        session.slots["x"] = 1
    client = Redis.from_url(url, decode_responses=True)
    key = f"jiuzhu:session:rest:{sender}"
    assert json.loads(await client.get(key))["slots"] == {"x": 1}
    assert 0 < await client.ttl(key) <= 120
    await client.aclose()
    await store.aclose()


async def test_redis_keys_start_with_the_configured_prefix() -> None:
    from redis.asyncio import Redis

    from backend.redis_store import RedisSessionStore
    from bot.stores import make_store

    url = require_redis()
    prefix = f"t-{uuid.uuid4().hex[:8]}:"
    store = make_store(Settings(redis_url=url, redis_prefix=prefix))
    assert isinstance(store, RedisSessionStore)
    sender = _sender()
    async with store.transaction("rest", sender) as session:
        session.slots["x"] = 1
    client = Redis.from_url(url, decode_responses=True)
    try:
        assert [key async for key in client.scan_iter(match=f"{prefix}*")] == [
            f"{prefix}session:rest:{sender}"
        ]
        assert await client.get(f"jiuzhu:session:rest:{sender}") is None
        await client.delete(f"{prefix}session:rest:{sender}")
    finally:
        await client.aclose()
        await store.aclose()


async def test_an_unreachable_redis_is_an_error_not_a_quiet_fallback() -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    from backend.redis_store import RedisSessionStore, SessionStoreUnavailable, check_redis
    from tests.support.serve import free_port

    dead = f"redis://:secret@127.0.0.1:{free_port()}/0"
    store = RedisSessionStore(dead)
    try:
        with pytest.raises(SessionStoreUnavailable, match="无法连接 Redis") as raised:
            await store.ping()
        assert "secret" not in str(raised.value)
        with pytest.raises(RedisConnectionError):  # the turn fails: no session made anywhere
            async with store.transaction("rest", "s") as session:
                session.slots["x"] = 1
    finally:
        await store.aclose()
    with pytest.raises(SessionStoreUnavailable):
        check_redis(dead)
