"""Every session store keeps one sender's writes and never blocks other senders: memory,
Redis, and the case database (SQLite and PostgreSQL), the embedded default."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from backend.clock import utcnow
from backend.db import Database, migrate_engine
from backend.models import ChatSession
from backend.session_store import DatabaseSessionStore
from base.memory_store import MemorySessionStore
from base.settings import Settings
from base.stores import SessionStore
from tests.backend.conftest import pg_database  # noqa: F401 - a fixture
from tests.support.servers import require_redis


def _migrated_sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'sessions.db'}"
    database = Database(url)
    migrate_engine(database.engine)
    database.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return _migrated_sqlite(tmp_path)


def db_store(url: str, **options: float) -> DatabaseSessionStore:
    """A store with its own engine: two of them on one database are two processes."""
    return DatabaseSessionStore(Database(url), **options)  # type: ignore[arg-type]


@pytest.fixture(
    params=["memory", "redis", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SessionStore]:
    if request.param == "memory":
        yield MemorySessionStore(ttl_seconds=60)
        return
    if request.param in ("sqlite", "postgres"):
        url = (
            _migrated_sqlite(tmp_path)
            if request.param == "sqlite"
            else str(request.getfixturevalue("pg_database"))
        )
        database_store = db_store(url, ttl_seconds=60)
        yield database_store
        await database_store.aclose()
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


# -- the database store: several processes, restarts, leases -----------------------------


async def test_two_processes_on_one_database_serialise_one_sender(db_url: str) -> None:
    stores = [db_store(db_url), db_store(db_url)]
    sender = _sender()

    async def bump(store: SessionStore) -> None:
        async with store.transaction("rest", sender) as session:
            count = session.slots.get("count", 0)
            await asyncio.sleep(0.002)  # widen the window a lost update would need
            session.slots["count"] = count + 1

    await asyncio.gather(*(bump(stores[n % 2]) for n in range(20)))
    for store in stores:
        session = await store.get("rest", sender)
        assert session is not None and session.slots["count"] == 20
        await store.aclose()


async def test_a_restarted_process_finds_the_session(db_url: str) -> None:
    sender = _sender()
    first = db_store(db_url)
    async with first.transaction("rest", sender) as session:
        session.flow = "apply"
        session.slots["name"] = "张三"
    await first.aclose()
    second = db_store(db_url)
    again = await second.get("rest", sender)
    assert again is not None and (again.flow, again.slots) == ("apply", {"name": "张三"})
    await second.aclose()


async def test_database_sessions_expire_when_idle(db_url: str) -> None:
    store = db_store(db_url, ttl_seconds=0)
    sender = _sender()
    async with store.transaction("rest", sender) as session:
        session.slots["x"] = 1
    await asyncio.sleep(0.01)
    assert await store.get("rest", sender) is None
    async with store.transaction("rest", sender) as session:
        assert session.slots == {}  # a new session, not the expired one
    await store.aclose()


async def test_an_expired_session_is_not_resumed_before_it_is_purged(db_url: str) -> None:
    store = db_store(db_url, ttl_seconds=0)
    async with store.transaction("rest", _sender()):
        pass  # the store's first purge of expired rows runs here, the next in a minute
    sender = _sender()
    async with store.transaction("rest", sender) as session:
        session.slots["x"] = 1
    await asyncio.sleep(0.01)
    async with store.transaction("rest", sender) as session:
        assert session.slots == {}  # the row is still there, but expired
    await store.aclose()


async def test_a_failed_first_turn_leaves_nothing(db_url: str) -> None:
    store = db_store(db_url)
    sender = _sender()
    with pytest.raises(RuntimeError):
        async with store.transaction("rest", sender) as session:
            session.slots["x"] = 1
            raise RuntimeError("boom")
    assert await store.get("rest", sender) is None
    with store._db.session() as db:
        rows = db.execute(select(ChatSession).where(ChatSession.key == f"rest:{sender}")).all()
    assert rows == []
    await store.aclose()


async def test_a_turn_waits_while_another_process_holds_the_sender(db_url: str) -> None:
    holder, waiter = db_store(db_url), db_store(db_url)
    sender = _sender()
    held, release = asyncio.Event(), asyncio.Event()
    order: list[str] = []
    async with waiter.transaction("rest", sender) as session:  # the session exists
        session.slots["by"] = "nobody"

    async def hold() -> None:
        async with holder.transaction("rest", sender) as session:
            held.set()
            await release.wait()
            session.slots["by"] = "holder"
            order.append("holder")

    async def wait() -> None:
        await held.wait()
        async with waiter.transaction("rest", sender) as session:
            order.append("waiter")
            assert session.slots["by"] == "holder"  # it saw the holder's write
            session.slots["by"] = "waiter"

    task = asyncio.create_task(wait())
    holding = asyncio.create_task(hold())
    await held.wait()
    await asyncio.sleep(0.3)
    assert order == []  # the other process waits
    release.set()
    await asyncio.gather(holding, task)
    assert order == ["holder", "waiter"]
    final = await holder.get("rest", sender)
    assert final is not None and final.slots["by"] == "waiter"
    await holder.aclose()
    await waiter.aclose()


async def test_a_lease_left_by_a_dead_process_runs_out(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lease.db'}"
    database = Database(url)
    migrate_engine(database.engine)
    store = DatabaseSessionStore(database, lock_timeout=5.0)
    sender = _sender()
    async with store.transaction("rest", sender) as session:
        session.slots["x"] = 1
    with database.session() as db:  # a process died in the middle of a turn
        db.execute(
            update(ChatSession)
            .where(ChatSession.key == f"rest:{sender}")
            .values(lock_token="dead", locked_until=utcnow() + timedelta(seconds=0.5))
        )
    async with asyncio.timeout(4):
        async with store.transaction("rest", sender) as session:
            session.slots["x"] = 2
    again = await store.get("rest", sender)
    assert again is not None and again.slots["x"] == 2
    with database.session() as db:
        row = db.execute(
            select(ChatSession).where(ChatSession.key == f"rest:{sender}")
        ).scalar_one()
        assert row.lock_token is None  # released
    await store.aclose()
