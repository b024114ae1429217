"""The REST channel (Rasa REST format) through the real app and engine."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from base.messages import unverified_sender
from base.settings import Settings
from bot.app import create_app
from bot.runtime import Runtime
from tests.support.demo_form import DemoForm
from tests.support.servers import require_redis

URL = "/webhooks/rest/webhook"


def _client(runtime: Runtime) -> httpx.AsyncClient:
    app = create_app(runtime=runtime)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    runtime = Runtime(settings, flows=[DemoForm()])
    async with _client(runtime) as http:
        yield http
    await runtime.aclose()


async def test_reply_follows_the_rest_contract(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, json={"sender": "u1", "message": "/self_screening"})
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and body
    assert body[-1]["recipient_id"] == "u1"
    assert "怎么称呼" in body[-1]["text"]
    assert "buttons" not in body[-1]  # only where there are choices
    response = await client.post(URL, json={"sender": "u1", "message": "老王", "metadata": {}})
    assert response.json()[-1]["buttons"] == [
        {"title": "城镇", "payload": "/urban"},
        {"title": "农村", "payload": "/rural"},
    ]
    # sending the payload chooses it
    response = await client.post(URL, json={"sender": "u1", "message": "/rural"})
    assert "几口人" in response.json()[-1]["text"]


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "x" * 10_000,
        "🙏🙏🙏 你好 😀",
        "\u200b\u200d\ufeff",
        "你\x00好\x07\x1b[31m",
        "\ud7ff",
    ],
)
async def test_odd_messages_get_a_polite_chinese_reply(
    client: httpx.AsyncClient, message: str
) -> None:
    response = await client.post(URL, json={"sender": "odd", "message": message})
    assert response.status_code == 200
    texts = [item["text"] for item in response.json()]
    assert texts and all(texts)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(texts))


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"message": "hi"}', 422),
        (b'{"sender": "", "message": "hi"}', 422),
        (b'{"sender": "a", "message": 5}', 422),
        (b'{"sender": "a", "message": "hi", "metadata": 3}', 422),
        (b"\xff\xfe", 400),
        (b"x" * 100_000, 413),
    ],
)
async def test_bad_requests_get_a_4xx_with_a_chinese_message(
    client: httpx.AsyncClient, body: bytes, status: int
) -> None:
    response = await client.post(URL, content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


async def _five_turns(http: httpx.AsyncClient, sender: str, n: int) -> dict[str, str]:
    answers = {
        "who": f"用户{n}",
        "residence": "/urban" if n % 2 else "/rural",
        "size": str(1 + n % 9),
        "income": str(100 + n),
        "phone": f"138{n:08d}",
    }
    await http.post(URL, json={"sender": sender, "message": "/self_screening"})
    for value in answers.values():
        response = await http.post(URL, json={"sender": sender, "message": value})
        assert response.status_code == 200
    return answers


async def _two_hundred_senders(runtime: Runtime) -> None:
    async with _client(runtime) as http:
        prefix = uuid.uuid4().hex[:8]
        senders = [f"{prefix}-{n}" for n in range(200)]
        expected = await asyncio.gather(*(_five_turns(http, s, n) for n, s in enumerate(senders)))
    for n, (sender, answers) in enumerate(zip(senders, expected, strict=True)):
        session = await runtime.store.get("rest", unverified_sender(sender))  # no secret, no token
        assert session is not None and session.step == "confirm"
        values = session.form["values"]
        assert values["who"] == answers["who"]
        assert values["residence"] == ("urban" if n % 2 else "rural")
        assert values["size"] == 1 + n % 9
        assert values["income"] == 100 + n
        assert values["phone"] == answers["phone"]


async def test_two_hundred_senders_at_once_in_memory(settings: Settings) -> None:
    runtime = Runtime(settings, flows=[DemoForm()])
    await _two_hundred_senders(runtime)


async def test_two_hundred_senders_at_once_on_redis(settings: Settings) -> None:
    settings.redis_url = require_redis()
    runtime = Runtime(settings, flows=[DemoForm()])
    try:
        await _two_hundred_senders(runtime)
    finally:
        await runtime.aclose()


async def test_a_restart_between_two_turns_continues_at_the_same_question(
    settings: Settings,
) -> None:
    settings.redis_url = require_redis()
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    first = Runtime(settings, flows=[DemoForm()])
    async with _client(first) as http:
        await http.post(URL, json={"sender": sender, "message": "/self_screening"})
        await http.post(URL, json={"sender": sender, "message": "老王"})
    await first.aclose()  # the server process is gone

    second = Runtime(settings, flows=[DemoForm()])
    async with _client(second) as http:
        response = await http.post(URL, json={"sender": sender, "message": "农村"})
    await second.aclose()
    assert "几口人" in response.json()[-1]["text"]


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/webhooks/rest/")
    assert response.json() == {"status": "ok"}
