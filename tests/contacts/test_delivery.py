"""Pushes and reminders go to the channel the person used last, through the real
``jiuzhu serve`` app: a web applicant who follows the 公众号 hears of the status change
on WeChat (a customer-service message at WeChat's double), and after writing on the page
again, on the page; WeChat out of reach falls back to SMS; a roster recipient without a
chat gets one SMS reminder a round."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.clock import CHINA
from backend.models import Contact, OutboxMessage
from base.settings import Settings
from bot.app import create_app
from channels.sms.reminders import SmsReminderSchedule
from tests.sms.fake_sms_api import KEY_ID, KEY_SECRET, FakeSmsAPI
from tests.telegram.conftest import eventually
from tests.web.conftest import import_roster, valid_id
from tests.wechat.conftest import reply_content, signed_query, text_xml
from tests.wechat.fake_wechat_api import APPID, SECRET, FakeWeChatAPI

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


@pytest.fixture
def sms_api() -> Iterator[FakeSmsAPI]:
    server = FakeSmsAPI()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatAPI]:
    server = FakeWeChatAPI()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, sms_api: FakeSmsAPI, wechat_api: FakeWeChatAPI) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'delivery.db'}",
        secret_key="delivery-test-secret",
        wechat_token="wechat-callback-token",
        wechat_appid=APPID,
        wechat_secret=SECRET,
        wechat_api_base=wechat_api.base_url,
        sms_provider="tencent",
        sms_api_base=sms_api.base_url,
        sms_key_id=KEY_ID,
        sms_key_secret=KEY_SECRET,
        sms_sign_name="资阳区民政局",
        sms_app_id="1400000001",
        sms_template_reminder="2100001",
        sms_template_status="2100002",
    )


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings)


def _web(client: TestClient, token: str, text: str) -> list[str]:
    return [
        r["text"]
        for r in client.post("/chat/messages", json={"token": token, "message": text}).json()
    ]


def _wechat(client: TestClient, text: str, msg_id: int) -> str:
    answer = client.post(
        "/webhooks/wechat", params=signed_query(), content=text_xml(OPENID, text, msg_id).encode()
    )
    return reply_content(answer.text)["Content"]


def _sinks(app: Any) -> list[tuple[str, str | None]]:
    backend = app.state.runtime.backend
    with backend.db.session() as session:
        rows = session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.sink.like("resident:%"))
            .order_by(OutboxMessage.id)  # type: ignore[attr-defined]
        ).scalars()
        return [(row.sink, row.chat_sender) for row in rows]


async def test_a_status_change_reaches_the_channel_used_last(
    app: Any, wechat_api: FakeWeChatAPI, sms_api: FakeSmsAPI
) -> None:
    backend = app.state.runtime.backend
    with TestClient(app) as client:
        token = client.post("/chat/session", json={}).json()["token"]
        sender = token.rpartition(".")[0]
        outcome = backend.create_case(
            "application",
            programs=["dibao"],
            applicant={
                "name": "王建国",
                "id_number": valid_id("43090219580101123"),
                "phone": "13807371234",
            },
            chat_channel="web",
            chat_sender=sender,
        )
        case_no = outcome.case.case_no
        code = re.search(r"\d{6}", _web(client, token, "关联")[0]).group()  # type: ignore[union-attr]
        assert "已关联" in _wechat(client, f"关联 {code}", 8_000_000_000_000_000_001)

        backend.transition(case_no, "accepted", note="材料齐全", actor="staff:1:周")
        await eventually(lambda: wechat_api.texts_to(OPENID))
        [pushed] = wechat_api.texts_to(OPENID)
        assert case_no in pushed and "受理" in pushed
        assert _sinks(app)[-1] == ("resident:wechat", OPENID)

        # Back on the page: the next change waits there (and shows on its event stream).
        _web(client, token, "你好")
        backend.transition(case_no, "investigating", note="入户核实", actor="staff:1:周")
        assert _sinks(app)[-1] == ("resident:inbox", sender)
        shown = _web(client, token, "谢谢")
        assert any(case_no in text and "入户" in text for text in shown), shown
        assert len(wechat_api.texts_to(OPENID)) == 1
        assert sms_api.sent == []


async def test_wechat_out_of_its_48_hours_falls_back_to_one_sms(
    app: Any, wechat_api: FakeWeChatAPI, sms_api: FakeSmsAPI
) -> None:
    backend = app.state.runtime.backend
    with TestClient(app) as client:
        _wechat(client, "你好", 8_100_000_000_000_000_001)
        outcome = backend.create_case(
            "application",
            programs=["dibao"],
            applicant={
                "name": "李四",
                "id_number": valid_id("43090219600101123"),
                "phone": "13900000002",
            },
            chat_channel="wechat",
            chat_sender=OPENID,
        )
        case_no = outcome.case.case_no
        with backend.db.session() as session:  # the resident last wrote three days ago
            row = session.execute(select(Contact).where(Contact.sender == OPENID)).scalar_one()
            row.last_used_at = row.last_used_at - timedelta(days=3)
        backend.transition(case_no, "accepted", note="材料齐全", actor="staff:1:周")
        await eventually(lambda: sms_api.sent)
        [sent] = sms_api.sent
        assert sent.phone == "13900000002" and sent.template == "2100002"
        assert sent.params == [case_no, "已受理"]
        assert wechat_api.texts_to(OPENID) == []


async def test_a_recipient_without_a_chat_gets_one_sms_reminder_a_round(
    app: Any, sms_api: FakeSmsAPI
) -> None:
    backend = app.state.runtime.backend
    services = app.state.runtime.services
    id_number = valid_id("43090219500101123")
    import_roster(backend, [["张三", id_number, "13800000000", "低保", "大码头街道", "金花坪社区"]])
    with TestClient(app):
        schedule = SmsReminderSchedule(services)
        assert (await schedule.run_round("2026Q4", "end")).queued == 1
        assert (await schedule.run_round("2026Q4", "end")).queued == 0  # run again: nothing
        entry = backend.roster.by_id_number(id_number)
        assert entry is not None
        # the row names the roster entry, not the number (no phone in clear at rest)
        assert ("resident:sms", f"recipient:{entry.id}") in _sinks(app)
        assert all("13800000000" not in str(row) for row in _sinks(app))
        # What the server's dispatcher does at 10:00 China time (reminders keep sending hours).
        morning = datetime(2026, 12, 25, 10, 0, tzinfo=CHINA)
        await backend.dispatcher(clock=lambda: morning).drain()
        [sent] = sms_api.sent
        assert sent.phone == "13800000000" and sent.template == "2100001"
        assert sent.params == ["张三", "2026年第4", "12月31日"]
