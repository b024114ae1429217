"""Who a REST sender is: believed from a front end with the channel's secret, kept apart
as anon:<sender> otherwise — no cases listed from its id, staff replies only inside its
转人工 conversation (else a notice), case details after case number + last 6."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backend.conversation import conversation
from base.settings import Settings
from bot.app import create_app
from bot.runtime import Runtime

URL = "/webhooks/rest/webhook"
SECRET = "front-end-secret-0123"
ID_NUMBER = "430902199001011231"


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[Runtime]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'senders.db'}", redis_url=None, rest_secret=SECRET
    )
    runtime = Runtime(settings)
    yield runtime
    await runtime.aclose()


def client(runtime: Runtime, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(runtime=runtime), client=("10.2.2.2", 1))
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


async def say(http: httpx.AsyncClient, sender: str, text: str) -> str:
    answer = await http.post(URL, json={"sender": sender, "message": text})
    assert answer.status_code == 200, answer.text
    assert all(item["recipient_id"] == sender for item in answer.json())
    return "\n".join(item["text"] for item in answer.json())


def open_case(runtime: Runtime, sender: str) -> str:
    outcome = runtime.backend.create_case(
        "application",
        programs=["dibao"],
        applicant={"name": "张三", "id_number": ID_NUMBER},
        chat_channel="rest",
        chat_sender=sender,
        township="新桥河镇",
    )
    assert outcome.case is not None
    return outcome.case.case_no


async def test_an_unauthenticated_sender_proves_who_it_is_before_it_sees_a_case(
    runtime: Runtime,
) -> None:
    case_no = open_case(runtime, "anon:a1")  # filed earlier from the id "a1", unauthenticated
    runtime.backend.message_resident(case_no, "请补交户口本复印件。", "李娟")
    async with client(runtime) as http:
        first = await say(http, "a1", "你好")
        # news, not its content; then the status look-up asks for the number, lists nothing
        assert "有新消息" in first and "户口本" not in first
        asked = await say(http, "a1", "查进度")
        assert "案件编号" in asked and case_no not in asked
        assert "后6位" in await say(http, "a1", case_no)
        shown = await say(http, "a1", ID_NUMBER[-6:])
        assert case_no in shown and "工作人员回复：请补交户口本复印件。" in shown


async def test_a_trusted_front_end_is_believed_and_kept_apart_from_anonymous_ids(
    runtime: Runtime,
) -> None:
    case_no = open_case(runtime, "t1")
    runtime.backend.message_resident(case_no, "请周一来镇政府。", "李娟")
    async with client(runtime) as anonymous:
        said = await say(anonymous, "t1", "查进度")  # the same id, without the secret
        assert case_no not in said and "周一" not in said
    async with client(runtime, {"X-Jiuzhu-Rest-Secret": SECRET}) as trusted:
        first = await say(trusted, "t1", "你好")
        assert "请周一来镇政府。" in first  # its own inbox, in full
        assert case_no in await say(trusted, "t1", "查进度")  # its own cases, by its id


async def test_a_wrong_secret_is_refused_in_chinese(runtime: Runtime, tmp_path: Path) -> None:
    async with client(runtime, {"X-Jiuzhu-Rest-Secret": "guess"}) as http:
        answer = await http.post(URL, json={"sender": "x", "message": "你好"})
        assert answer.status_code == 401 and "X-Jiuzhu-Rest-Secret" in answer.json()["detail"]
    plain = Runtime(Settings(database_url=f"sqlite:///{tmp_path / 'p.db'}", redis_url=None))
    try:
        async with client(plain, {"X-Jiuzhu-Rest-Secret": SECRET}) as http:
            # a secret sent where none is set: refused, not quietly believed
            answer = await http.post(URL, json={"sender": "x", "message": "你好"})
            assert answer.status_code == 401
    finally:
        await plain.aclose()


async def test_withdrawing_by_chat_needs_a_trusted_sender(runtime: Runtime) -> None:
    case_no = open_case(runtime, "anon:w1")
    async with client(runtime) as http:
        said = await say(http, "w1", "我要撤回申请")
        assert "确定要撤回" not in said
    assert runtime.backend.find_case(case_no).status != "withdrawn"  # type: ignore[union-attr]


async def test_a_staff_reply_after_leaving_the_handoff_still_reaches_an_unauthenticated_sender(
    runtime: Runtime,
) -> None:
    """probeI H9 (14): after 回到小助手 the staff reply is shown in full — a 转人工 case
    has no ID to prove — with how to answer it; 转人工 again goes on in the same case."""
    async with client(runtime) as http:
        assert "已经帮您转给工作人员" in await say(http, "h9", "我家低保这个月怎么没到账 找人工")
        case_no = runtime.backend.cases_for_sender("rest", "anon:h9")[0].case_no
        await say(http, "h9", "户主叫王德明 新桥河镇 二十里村")
        assert "回到小助手" in await say(http, "h9", "回到小助手")
        runtime.backend.message_resident(
            case_no, "查到了，您家低保因为第三季度没有签到暂停了，请这周到村部补签。", "小陈"
        )
        shown = await say(http, "h9", "低保签到是什么")
        assert f"工作人员回复（{case_no}）：查到了" in shown and "这周到村部补签" in shown
        assert "转人工" in shown and "身份证号后6位" not in shown
        # "查进度 JZ…" of the 转人工 case: shown without an ID (it holds none)
        await say(http, "h9", "取消")  # the 签到 form the question started (as the tester did)
        looked = await say(http, "h9", f"查进度 {case_no}")
        assert case_no in looked and "后6位" not in looked and "没有查到" not in looked
        again = await say(http, "h9", "转人工")
        assert case_no in again
        await say(http, "h9", "好的 这周就去补签")
        said = [line.note for line in conversation(runtime.backend, case_no)]
        assert said[-1] == "好的 这周就去补签"
    # another sender's application stays withheld
    case_no = open_case(runtime, "anon:h9")
    runtime.backend.message_resident(case_no, "请补交户口本复印件。", "李娟")
    async with client(runtime) as http:
        withheld = await say(http, "h9", "你好")
        assert "有新消息" in withheld and "户口本" not in withheld
