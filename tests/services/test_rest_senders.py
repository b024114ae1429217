"""Who the REST sender is: believed with the front end's secret or a server-signed
token; anyone else sees case details and staff replies only after case number + last
6 of the 身份证号 (SQLite and PostgreSQL, sessions on Redis too)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from backend.service import Backend
from base.messages import is_verified, unverified_sender
from base.settings import Settings
from bot.app import create_app
from bot.runtime import Runtime
from channels.rest import SenderTokens
from tests.services.conftest import TOWNSHIP, valid_id
from tests.support.servers import require_redis

URL = "/webhooks/rest/webhook"
FRONT = "front-end-secret-0123456789"
ID = valid_id("43090219580101123")
REPLY = "请明天上午带户口本到民政办"


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
async def http(
    request: pytest.FixtureRequest, backend_settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    redis = require_redis() if request.param == "redis" else None
    settings = backend_settings.model_copy(update={"rest_secret": FRONT, "redis_url": redis})
    runtime = Runtime(settings)
    app = create_app(runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        client.runtime = runtime  # type: ignore[attr-defined]
        yield client
    await runtime.aclose()


def file_case(backend: Backend, sender: str) -> str:
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant={"name": "王建国", "id_number": ID, "phone": "13807371234"},
        chat_channel="rest",
        chat_sender=sender,
        township=TOWNSHIP,
    )
    assert outcome.case is not None
    return outcome.case.case_no


async def say(http: httpx.AsyncClient, sender: str, text: str, **headers: str) -> str:
    answer = await http.post(URL, json={"sender": sender, "message": text}, headers=headers)
    assert answer.status_code == 200, answer.text
    return "\n".join(item["text"] for item in answer.json())


async def test_a_known_sender_id_alone_shows_no_case_and_no_staff_reply(
    http: httpx.AsyncClient, backend: Backend
) -> None:
    case_no = file_case(backend, "alice")  # filed through the trusted front end
    backend.message_resident(case_no, REPLY, "staff:1 李干事")
    # someone who only knows the id "alice"
    said = await say(http, "alice", "查进度")
    assert case_no not in said and "王建国" not in said and "请输入案件编号" in said
    assert REPLY not in said
    # the front end's own alice sees both at once
    own = await say(http, "alice", "查进度", **{"X-Jiuzhu-Rest-Secret": FRONT})
    assert REPLY in own and case_no in own


async def test_an_unauthenticated_sender_is_told_of_news_then_proves_identity(
    http: httpx.AsyncClient, backend: Backend
) -> None:
    case_no = file_case(backend, unverified_sender("bob"))  # applied without a token
    backend.message_resident(case_no, REPLY, "staff:1 李干事")
    said = await say(http, "bob", "你好")
    assert REPLY not in said and "有新消息" in said and "后6位" in said
    asked = await say(http, "bob", "查进度")  # anyone may type "bob": nothing shown yet
    assert case_no not in asked and "王建国" not in asked
    await say(http, "bob", case_no)
    shown = await say(http, "bob", ID[-6:])
    assert case_no in shown and "当前进度" in shown and REPLY in shown


async def test_signed_tokens_are_believed_and_forged_ones_refused(
    http: httpx.AsyncClient, backend: Backend
) -> None:
    token = (await http.post("/webhooks/rest/session")).json()["token"]
    sender = SenderTokens(backend.settings.secret_key).sender(token)
    assert sender is not None and is_verified(sender)
    case_no = file_case(backend, sender)
    backend.message_resident(case_no, REPLY, "staff:1 李干事")
    assert REPLY in await say(http, token, "你好")
    assert case_no in await say(http, token, "查进度")
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    answer = await http.post(URL, json={"sender": forged, "message": "查进度"})
    assert answer.status_code == 401 and "凭证无效" in answer.json()["detail"]
    # the id inside the token, typed as a plain sender, is somebody else
    assert case_no not in await say(http, sender, "查进度")


async def test_a_wrong_front_end_secret_is_refused(http: httpx.AsyncClient) -> None:
    answer = await http.post(
        URL, json={"sender": "alice", "message": "你好"}, headers={"X-Jiuzhu-Rest-Secret": "x"}
    )
    assert answer.status_code == 401
    assert answer.json()["detail"].startswith("X-Jiuzhu-Rest-Secret")
