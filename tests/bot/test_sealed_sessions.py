"""Chat sessions at rest: sealed (a half-filled form's 身份证号 and phone are not readable
in Redis or ``chat_sessions``), opened again under a rotated key, expired by Redis's TTL
and removed by ``jiuzhu sessions purge``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from backend.clock import utcnow
from backend.db import Database
from backend.models import ChatSession
from backend.session_store import DatabaseSessionStore
from base.session import Turn
from base.settings import Settings
from base.stores import SessionStore
from bot.cli import main
from bot.stores import make_store
from tests.backend.conftest import pg_database  # noqa: F401 - a fixture
from tests.bot.test_stores import _migrated_sqlite
from tests.support.servers import require_redis

ID = "430902199001011231"
PHONE = "13800138000"


def settings_for(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, **extra: str
) -> Settings:
    if kind == "redis":
        prefix = f"t-{uuid.uuid4().hex[:8]}:"
        return Settings(redis_url=require_redis(), redis_prefix=prefix, **extra)  # type: ignore[arg-type]
    url = (
        _migrated_sqlite(tmp_path)
        if kind == "sqlite"
        else str(request.getfixturevalue("pg_database"))
    )
    return Settings(database_url=url, redis_url=None, **extra)  # type: ignore[arg-type]


async def raw_value(settings: Settings, key: str) -> str | None:
    if settings.redis_url:
        from redis.asyncio import Redis

        client = Redis.from_url(settings.redis_url, decode_responses=True)
        try:
            value: str | None = await client.get(f"{settings.redis_prefix}session:{key}")
            ttl = await client.ttl(f"{settings.redis_prefix}session:{key}")
            # Redis forgets an idle session by itself: the TTL is always set
            assert value is None or 0 < ttl <= settings.session_ttl_seconds
            return value
        finally:
            await client.aclose()
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            return session.execute(
                select(ChatSession.data).where(ChatSession.key == key)
            ).scalar_one_or_none()
    finally:
        database.dispose()


@pytest.fixture(params=["redis", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def sealed(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Settings, SessionStore]]:
    settings = settings_for(kind, request, tmp_path, secret_key="first-key")
    store = make_store(settings)
    yield settings, store
    await store.aclose()


async def fill_form(store: SessionStore, sender: str) -> None:
    async with store.transaction("rest", sender) as session:
        session.start_flow("apply", "phone")
        session.form.update({"id_number": ID, "phone": PHONE, "health": "长期卧床"})
        session.remember(Turn(user=f"我的电话是{PHONE}", bot=["好的"]), keep=10)


async def test_a_half_filled_form_is_sealed_at_rest(
    sealed: tuple[Settings, SessionStore],
) -> None:
    settings, store = sealed
    sender = uuid.uuid4().hex
    await fill_form(store, sender)
    stored = await raw_value(settings, f"rest:{sender}")
    assert stored is not None
    for secret in (ID, PHONE, "卧床", "长期", "apply"):
        assert secret not in stored
    again = await store.get("rest", sender)
    assert again is not None and again.form["id_number"] == ID and again.step == "phone"


async def test_sessions_open_under_an_old_key_and_not_without_it(
    kind: str, sealed: tuple[Settings, SessionStore], request: pytest.FixtureRequest
) -> None:
    settings, store = sealed
    sender = uuid.uuid4().hex
    await fill_form(store, sender)
    rotated = make_store(
        settings.model_copy(update={"secret_key": "second-key", "old_secret_keys": "first-key"})
    )
    dropped = make_store(settings.model_copy(update={"secret_key": "second-key"}))
    try:
        session = await rotated.get("rest", sender)
        assert session is not None and session.form["phone"] == PHONE
        async with rotated.transaction("rest", sender) as session:
            session.slots["seen"] = True  # resealed under the new key on save
        resealed = await dropped.get("rest", sender)
        assert resealed is not None and resealed.slots["seen"] is True
        assert await store.get("rest", sender) is None  # the first key alone: not ours
        async with store.transaction("rest", sender) as fresh:
            assert fresh.form == {} and fresh.flow is None  # a new start, not an error
    finally:
        await rotated.aclose()
        await dropped.aclose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return settings_for(str(request.param), request, tmp_path, secret_key="first-key")


async def test_sessions_purge_removes_the_idle_ones(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = make_store(db_settings)
    assert isinstance(store, DatabaseSessionStore)
    old, recent = uuid.uuid4().hex, uuid.uuid4().hex
    await fill_form(store, old)
    await fill_form(store, recent)
    await store.aclose()
    database = Database(db_settings.database_url)
    with database.session() as session:
        session.execute(
            update(ChatSession)
            .where(ChatSession.key == f"rest:{old}")  # type: ignore[arg-type]
            .values(updated_at=utcnow() - timedelta(days=10))
        )
    database.dispose()

    monkeypatch.setenv("JIUZHU_DATABASE_URL", db_settings.database_url)
    monkeypatch.delenv("JIUZHU_REDIS_URL", raising=False)
    assert main(["sessions", "purge"]) == 0  # only expired ones: ours are not
    assert "已删除" in capsys.readouterr().out
    assert await raw_value(db_settings, f"rest:{old}") is not None
    assert main(["sessions", "purge", "--older-than", "7"]) == 0
    assert "已删除 1 个" in capsys.readouterr().out
    assert await raw_value(db_settings, f"rest:{old}") is None
    assert await raw_value(db_settings, f"rest:{recent}") is not None
