"""One person on several channels: the web page and the 公众号 joined by a link code,
the channel used last, wrong codes limited, SMS stopped from the chat — on SQLite and
PostgreSQL, through the real app's channels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backend.contacts import Contacts
from backend.models import ContactLinkCode
from backend.service import Backend
from base.settings import Settings
from bot.app import create_app
from tests.wechat.conftest import reply_content, signed_query, text_xml

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="contacts-test-secret",
        wechat_token="wechat-callback-token",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def backend(client: TestClient) -> Backend:
    return client.app.state.runtime.backend  # type: ignore[attr-defined,no-any-return]


def web(client: TestClient, token: str, text: str) -> list[str]:
    answer = client.post("/chat/messages", json={"token": token, "message": text})
    assert answer.status_code == 200
    return [reply["text"] for reply in answer.json()]


def wechat(client: TestClient, text: str, msg_id: int) -> str:
    answer = client.post(
        "/webhooks/wechat", params=signed_query(), content=text_xml(OPENID, text, msg_id).encode()
    )
    return reply_content(answer.text)["Content"]


def test_the_web_page_and_wechat_become_one_person(client: TestClient, backend: Backend) -> None:
    token = client.post("/chat/session", json={}).json()["token"]
    sender = token.rpartition(".")[0]
    [shown] = web(client, token, "关联")
    code = re.search(r"\d{6}", shown)
    assert code, shown
    assert "已关联" in wechat(client, f"关联 {code.group()}", 7_000_000_000_000_000_001)
    contacts = Contacts(backend.db, backend.settings.secret_key)
    assert contacts.person("web", sender) == contacts.person("wechat", OPENID)
    # The channel used last is where pushes go: WeChat now, the page after it writes.
    assert contacts.latest("web", sender).chat_channel == "wechat"  # type: ignore[union-attr]
    web(client, token, "你好")
    assert contacts.latest("wechat", OPENID).chat_channel == "web"  # type: ignore[union-attr]
    # The code is used up.
    assert "不对" in wechat(client, f"关联 {code.group()}", 7_000_000_000_000_000_002)


def test_wrong_and_old_codes_are_refused_and_guessing_is_limited(
    client: TestClient, backend: Backend
) -> None:
    contacts = Contacts(backend.db, backend.settings.secret_key)
    code = contacts.new_link_code("web", "web-aaaaaaaaaaaaaaaaaaaaaaaa")
    with backend.db.session() as session:
        row = session.query(ContactLinkCode).one()
        row.expires_at = row.expires_at - timedelta(hours=1)
    assert "过期" in wechat(client, f"关联{code}", 7_100_000_000_000_000_001)
    fresh = contacts.new_link_code("web", "web-aaaaaaaaaaaaaaaaaaaaaaaa")
    wrong = "000000" if fresh != "000000" else "111111"
    for number in range(2, 6):
        wechat(client, f"关联 {wrong}", 7_100_000_000_000_000_000 + number)
    # Five wrong codes in an hour: even the right one waits.
    assert "一小时后" in wechat(client, f"关联 {fresh}", 7_100_000_000_000_000_009)
    assert contacts.person("web", "web-aaaaaaaaaaaaaaaaaaaaaaaa") != contacts.person(
        "wechat", OPENID
    )


def test_sms_can_be_stopped_from_the_chat(client: TestClient, backend: Backend) -> None:
    from backend import sms
    from tests.web.conftest import valid_id

    token = client.post("/chat/session", json={}).json()["token"]
    assert "还没有您的手机号" in web(client, token, "退订短信")[0]
    sender = token.rpartition(".")[0]
    backend.create_case(
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
    assert "不再给您发短信" in web(client, token, "TD")[0]
    assert sms.is_stopped(backend, "13807371234")
    assert "已恢复" in web(client, token, "恢复短信")[0]
    assert not sms.is_stopped(backend, "13807371234")


def test_an_ordinary_message_still_reaches_the_assistant(client: TestClient) -> Any:
    token = client.post("/chat/session", json={}).json()["token"]
    assert any("申请" in text for text in web(client, token, "我想申请低保"))
