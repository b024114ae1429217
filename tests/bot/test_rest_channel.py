"""The REST channel (Rasa REST format) through the real app and engine."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from base.settings import Settings
from bot.app import create_app
from bot.runtime import Runtime
from tests.support.demo_form import DemoForm
from tests.support.servers import require_redis

URL = "/webhooks/rest/webhook"


REST_SECRET = "rest-front-end-secret"


def _client(
    runtime: Runtime, app: Any = None, address: str = "127.0.0.1", *, trusted: bool = False
) -> httpx.AsyncClient:
    """A REST client; ``trusted``: a front end with the channel's secret, whose senders
    are believed (tests that look a sender's session or cases up by its id)."""
    runtime.settings.rest_secret = REST_SECRET
    app = app or create_app(runtime=runtime)
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    headers = {"X-Jiuzhu-Rest-Secret": REST_SECRET} if trusted else {}
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


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
    # 200 residents, each on a phone of their own (an address each: 1,200 messages from
    # one address within a minute would be refused by the rate limit, which is right)
    runtime.settings.rest_secret = REST_SECRET  # a trusted front end: sessions by sender id
    app = create_app(runtime=runtime)
    prefix = uuid.uuid4().hex[:8]
    senders = [f"{prefix}-{n}" for n in range(200)]
    clients = [
        _client(runtime, app, f"10.0.{n // 200}.{n % 200 + 1}", trusted=True) for n in range(200)
    ]
    try:
        expected = await asyncio.gather(
            *(
                _five_turns(http, s, n)
                for n, (s, http) in enumerate(zip(senders, clients, strict=True))
            )
        )
    finally:
        for http in clients:
            await http.aclose()
    for n, (sender, answers) in enumerate(zip(senders, expected, strict=True)):
        session = await runtime.store.get("rest", sender)
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


async def test_danger_over_rest_gives_the_lines_first_and_a_life_case(settings: Settings) -> None:
    runtime = Runtime(settings)
    try:
        async with _client(runtime) as http:
            response = await http.post(URL, json={"sender": "d1", "message": "我想申请低保"})
            assert response.status_code == 200
            response = await http.post(URL, json={"sender": "d1", "message": "我老伴喘不上气了"})
            body = response.json()
            assert body[0]["text"].startswith("🆘 请马上拨打 120 急救、110 报警")
            assert any("危及生命" in item["text"] for item in body)
        # an unauthenticated sender's cases are kept under anon:<sender>
        cases = runtime.backend.cases_for_sender("rest", "anon:d1")
        assert [(c.kind, c.priority) for c in cases] == [("urgent", "life")]
    finally:
        await runtime.aclose()


async def test_an_account_over_rest_is_said_back_with_buttons(settings: Settings) -> None:
    runtime = Runtime(settings)
    try:
        async with _client(runtime) as http:
            text = "家里5口人，我爱人患白血病在住院，现在没有收入，不知道该怎么办"
            body = (await http.post(URL, json={"sender": "s1", "message": text})).json()
            assert body[0]["text"].startswith("我听明白的是：家里5口人")
            payloads = [b["payload"] for b in body[0]["buttons"]]
            assert payloads[0] == "/story_screening" and "/urgent_help" in payloads
            body = (
                await http.post(URL, json={"sender": "s1", "message": "/story_screening"})
            ).json()
            assert "初步测算" in body[0]["text"]
    finally:
        await runtime.aclose()


async def test_handoff_over_rest_and_withdraw_from_a_trusted_front_end(
    settings: Settings,
) -> None:
    from nlu.validators import id_check_char

    runtime = Runtime(settings)
    try:
        # 转人工 is a conversation even for an unauthenticated sender: staff replies in it
        async with _client(runtime) as anonymous:
            body = (await anonymous.post(URL, json={"sender": "m1", "message": "转人工"})).json()
            assert "已经帮您转给工作人员" in body[-1]["text"]
            handoff = runtime.backend.cases_for_sender("rest", "anon:m1")[0]
            runtime.backend.message_resident(handoff.case_no, "您好，请讲。", "李娟")
            body = (
                await anonymous.post(URL, json={"sender": "m1", "message": "回到小助手"})
            ).json()
            said = "\n".join(item["text"] for item in body)
            assert "您好，请讲。" in said and "回到小助手" in said

        # withdrawing by chat needs an account the channel vouches for
        async with _client(runtime, trusted=True) as http:

            async def say(text: str) -> str:
                body = (await http.post(URL, json={"sender": "m1", "message": text})).json()
                return "\n".join(item.get("text", "") for item in body)

            assert "已经帮您转给工作人员" in await say("转人工")
            assert "已转给工作人员" in await say("想问问低保")
            handoff = runtime.backend.cases_for_sender("rest", "m1")[0]
            runtime.backend.message_resident(handoff.case_no, "您好，请讲。", "李娟")
            said = await say("回到小助手")
            assert "您好，请讲。" in said and "回到小助手" in said

            prefix = "43090219580101123"
            applied = runtime.backend.create_case(
                "application",
                programs=["dibao"],
                applicant={"name": "王建国", "id_number": prefix + id_check_char(prefix)},
                chat_channel="rest",
                chat_sender="m1",
            )
            assert applied.case is not None
            assert "确定要撤回" in await say("我要撤回申请")
            assert "已经撤回" in await say("/affirm")
            assert runtime.backend.find_case(applied.case.case_no).status == "withdrawn"  # type: ignore[union-attr]
    finally:
        await runtime.aclose()
