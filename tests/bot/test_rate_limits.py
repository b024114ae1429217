"""One resident cannot starve the others: rate limits per sender and per client address
on the REST channel and the web chat (Redis, else the database), and long messages
analysed off the event loop while short questions are answered."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backend.db import Database, migrate_engine
from backend.rates import DatabaseRates, Rate, RateLimiter, RedisRates
from base.messages import UserMessage
from base.settings import Settings
from bot.app import create_app
from bot.runtime import Runtime
from channels.ratelimit import MessageLimits
from tests.backend.conftest import pg_database  # noqa: F401 - a fixture
from tests.support.serve import free_port
from tests.support.servers import require_redis

URL = "/webhooks/rest/webhook"
SENDER_LIMIT = 20  # channels/limits.yml


@pytest.fixture(params=["sqlite", "redis"])
async def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Runtime]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'rates.db'}", redis_url=None)
    if request.param == "redis":
        settings.redis_url = require_redis()
        settings.redis_prefix = f"t-{uuid.uuid4().hex[:8]}:"
    runtime = Runtime(settings)
    yield runtime
    await runtime.aclose()


def client(runtime: Runtime, address: str = "10.1.1.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(runtime=runtime), client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_a_sender_over_the_limit_gets_a_chinese_429_and_others_go_on(
    runtime: Runtime,
) -> None:
    async with client(runtime) as http:
        for _ in range(SENDER_LIMIT):
            answer = await http.post(URL, json={"sender": "fast", "message": "你好"})
            assert answer.status_code == 200
        refused = await http.post(URL, json={"sender": "fast", "message": "低保标准是多少"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        [item] = refused.json()
        assert item["recipient_id"] == "fast" and "秒再发" in item["text"]
        # the refused message was not handled: nothing of it in the session
        session = await runtime.store.get("rest", "anon:fast")  # unauthenticated: kept apart
        assert session is not None and all("低保" not in t.user for t in session.history)
        # another resident at the same address is not held up
        other = await http.post(URL, json={"sender": "slow", "message": "你好"})
        assert other.status_code == 200


async def test_the_web_chat_refuses_a_flood_with_429_and_retry_after(runtime: Runtime) -> None:
    async with client(runtime) as http:
        token = (await http.post("/chat/session", json={})).json()["token"]
        for _ in range(SENDER_LIMIT):
            ok = await http.post("/chat/messages", json={"token": token, "message": "你好"})
            assert ok.status_code == 200
        refused = await http.post("/chat/messages", json={"token": token, "message": "你好"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "秒再发" in refused.json()["detail"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "redis"])
async def limiter(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[RateLimiter]:
    if request.param == "redis":
        redis = RedisRates(require_redis(), f"t-{uuid.uuid4().hex[:8]}:")
        yield redis
        await redis.aclose()
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'r.db'}"
    else:
        url = str(request.getfixturevalue("pg_database"))
    database = Database(url)
    migrate_engine(database.engine)
    database.dispose()
    rates = DatabaseRates(url)
    yield rates
    await rates.aclose()


async def test_one_address_with_many_senders_is_limited_too(limiter: RateLimiter) -> None:
    limits = MessageLimits(
        limiter, {"sender": Rate(100, 60), "address": Rate(5, 60)}
    )  # small numbers, the same counting as channels/limits.yml's
    tag = uuid.uuid4().hex[:6]
    waits = [await limits.check("rest", f"{tag}-{n}", f"{tag}.9.9.9") for n in range(7)]
    assert waits[:5] == [None] * 5 and all(w is not None and w >= 1 for w in waits[5:])
    assert await limits.check("rest", f"{tag}-x", f"{tag}.8.8.8") is None  # another address


async def test_a_messages_counters_are_counted_together_with_the_previous_window(
    limiter: RateLimiter,
) -> None:
    """The sender's and the address's counters in one round trip, each with the count
    of its previous window (the sliding window's share)."""
    tag, start = uuid.uuid4().hex[:6], 6000
    for _ in range(3):
        await limiter._count_many([(f"{tag}-a", start - 60, 60)])
    together = await limiter._count_many([(f"{tag}-a", start, 60), (f"{tag}-b", start, 60)])
    assert together == [(1, 3), (1, 0)]
    assert await limiter._count_many([(f"{tag}-b", start, 60)]) == [(2, 0)]


async def test_a_limiter_that_cannot_count_lets_messages_through(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
    )
    limits = MessageLimits(RedisRates(settings.redis_url or "", "x:"))
    try:
        assert await limits.check("rest", "s", "10.0.0.1") is None
    finally:
        await limits.aclose()


async def test_a_short_question_is_answered_while_long_messages_wait_their_turn(
    tmp_path: Path,
) -> None:
    runtime = Runtime(Settings(database_url=f"sqlite:///{tmp_path / 'l.db'}", redis_url=None))
    try:
        engine = runtime.engine
        await engine.handle(UserMessage("rest", "warm", "你好"))  # models loaded
        rng = random.Random(7)
        words = "我家里有老人生病了没有收入请问低保怎么申请特困供养医疗救助标准每个月"
        long_text = "".join(rng.choice(words) for _ in range(2000))
        done: list[str] = []

        async def turn(name: str, text: str) -> None:
            await engine.handle(UserMessage("rest", name, text))
            done.append(name)

        longs = [asyncio.create_task(turn(f"long{n}", long_text)) for n in range(6)]
        await asyncio.sleep(0.01)  # the long ones are under way
        await turn("short", "低保标准是多少")
        await asyncio.gather(*longs)
        # the short question did not wait behind the long ones' analysis (an order, not
        # a time: timings belong in benchmarks/flood_bench.py)
        assert done.index("short") <= 2, done
    finally:
        await runtime.aclose()
