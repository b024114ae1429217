"""WeChat's API from our side, against the local double: the access token shared by
processes, pushes within and outside the 48-hour window, and ``jiuzhu wechat menu``."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from backend.contacts import Contacts
from backend.db import Database, migrate_engine
from backend.models import Contact
from base.settings import Settings
from bot.wechat_commands import create_menu
from channels.wechat.api import WeChatAPI
from channels.wechat.push import CannotReach, WeChatPusher
from channels.wechat.render import load_menu
from channels.wechat.webhook import WeChatChannel
from services.container import Services
from tests.wechat.fake_wechat_api import FakeWeChatAPI

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


@pytest.fixture
def database(wx_settings: Settings) -> Database:
    db = Database(wx_settings.database_url)
    migrate_engine(db.engine)
    yield db
    db.dispose()


def test_processes_share_one_access_token(
    wx_settings: Settings, database: Database, wechat_api: FakeWeChatAPI
) -> None:
    first, second = WeChatAPI(wx_settings, database), Database(wx_settings.database_url)
    other = WeChatAPI(wx_settings, second)  # another process: its own engine, same database
    first.message.send_text(OPENID, "一")
    other.message.send_text(OPENID, "二")
    assert len(wechat_api.of("/cgi-bin/token")) == 1
    # WeChat drops the token: the next call is refused (40001), fetches once and retries.
    wechat_api.expire_tokens()
    other.message.send_text(OPENID, "三")
    first.message.send_text(OPENID, "四")
    assert len(wechat_api.of("/cgi-bin/token")) == 2
    assert wechat_api.texts_to(OPENID) == ["一", "二", "三", "四"]
    second.dispose()


def test_processes_finding_no_token_together_fetch_it_once(
    wx_settings: Settings, wechat_api: FakeWeChatAPI
) -> None:
    wechat_api.delay = 0.3  # both ask while the first fetch is under way
    databases = [Database(wx_settings.database_url) for _ in range(3)]
    migrate_engine(databases[0].engine)
    clients = [WeChatAPI(wx_settings, db) for db in databases]
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda c=c: tokens.append(c.access_token)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(set(tokens)) == 1 and len(tokens) == 3
    assert len(wechat_api.of("/cgi-bin/token")) == 1
    for db in databases:
        db.dispose()


def _pusher(settings: Settings, database: Database) -> tuple[WeChatPusher, Contacts]:
    services = Services(settings)
    channel = WeChatChannel(_NoAssistant(), services, WeChatAPI(settings, database))
    contacts = Contacts(database, settings.secret_key)
    return WeChatPusher(channel, contacts), contacts


class _NoAssistant:
    async def handle(self, message: object) -> list[object]:
        raise AssertionError("a push is not a turn")


async def test_a_push_within_48_hours_is_a_customer_service_message(
    wx_settings: Settings, database: Database, wechat_api: FakeWeChatAPI
) -> None:
    pusher, contacts = _pusher(wx_settings, database)
    contacts.touch("wechat", OPENID)
    await pusher.push(OPENID, "您的救助申请 JZ20261202-0001 有新进展：已受理。")
    assert wechat_api.texts_to(OPENID) == ["您的救助申请 JZ20261202-0001 有新进展：已受理。"]


async def test_after_48_hours_a_template_message_or_cannot_reach(
    wx_settings: Settings, database: Database, wechat_api: FakeWeChatAPI
) -> None:
    pusher, contacts = _pusher(wx_settings, database)
    contacts.touch("wechat", OPENID)
    with database.session() as session:  # the resident wrote three days ago
        row = session.query(Contact).one()
        row.last_used_at = row.last_used_at - timedelta(days=3)
    with pytest.raises(CannotReach):
        await pusher.push(OPENID, "请在本月底前完成季度签到。")
    assert wechat_api.texts_to(OPENID) == []  # no customer-service message was tried

    templated = wx_settings.model_copy(update={"wechat_template_id": "TEMPLATE_ID_0001"})
    pusher, _ = _pusher(templated, database)
    await pusher.push(OPENID, "请在本月底前完成季度签到。")
    [sent] = wechat_api.templates_to(OPENID)
    assert sent["template_id"] == "TEMPLATE_ID_0001"
    assert sent["data"]["keyword1"]["value"] == "请在本月底前完成季度签到。"


async def test_wechat_refusing_the_window_falls_back_to_the_template(
    wx_settings: Settings, database: Database, wechat_api: FakeWeChatAPI
) -> None:
    templated = wx_settings.model_copy(update={"wechat_template_id": "TEMPLATE_ID_0001"})
    pusher, contacts = _pusher(templated, database)
    contacts.touch("wechat", OPENID)
    wechat_api.outside_window.add(OPENID)  # WeChat counts differently than we do: 45015
    await pusher.push(OPENID, "已受理")
    assert wechat_api.texts_to(OPENID) == [] and len(wechat_api.templates_to(OPENID)) == 1
    wechat_api.unsubscribed.add(OPENID)
    with pytest.raises(CannotReach):
        await pusher.push(OPENID, "已受理")


def test_jiuzhu_wechat_menu_creates_the_menu(
    wx_settings: Settings, wechat_api: FakeWeChatAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert create_menu(wx_settings) == 0
    [call] = wechat_api.of("/cgi-bin/menu/create")
    assert call.answer["errcode"] == 0 and call.body == load_menu()
    keys = [sub["key"] for button in call.body["button"] for sub in button["sub_button"]]
    assert {"/apply", "/checkin", "/application_status", "/urgent_help"} <= set(keys)
    assert "公众号菜单已创建" in capsys.readouterr().out
    unconfigured = wx_settings.model_copy(update={"wechat_secret": None})
    assert create_menu(unconfigured) == 2
