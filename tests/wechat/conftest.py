from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from base.settings import Settings
from bot.app import create_app
from tests.wechat.fake_wechat_api import APPID, SECRET, FakeWeChatAPI

WECHAT_TOKEN = "wechat-callback-token"
ACCOUNT = "gh_0123456789ab"  # the 公众号's own id (ToUserName)


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatAPI]:
    server = FakeWeChatAPI()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'wechat.db'}"


@pytest.fixture
def wx_settings(db_url: str, wechat_api: FakeWeChatAPI) -> Settings:
    return Settings(
        database_url=db_url,
        redis_url=None,
        secret_key="wechat-test-secret",
        wechat_token=WECHAT_TOKEN,
        wechat_appid=APPID,
        wechat_secret=SECRET,
        wechat_api_base=wechat_api.base_url,
    )


@pytest.fixture
def app(wx_settings: Settings) -> Any:
    return create_app(wx_settings)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def signature(timestamp: str, nonce: str, token: str = WECHAT_TOKEN) -> str:
    """WeChat's signature, written out from its documentation: sha1 of the three sorted."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def signed_query(nonce: str = "1514123") -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {"signature": signature(timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def text_xml(openid: str, content: str, msg_id: int, create_time: int | None = None) -> str:
    """A text message as WeChat posts it (the documented example, filled in)."""
    return (
        "<xml>"
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId>"
        "</xml>"
    )


def event_xml(
    openid: str, event: str, key: str | None = None, create_time: int = 1700000000
) -> str:
    key_part = f"<EventKey><![CDATA[{key}]]></EventKey>" if key is not None else ""
    return (
        "<xml>"
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{key_part}"
        "</xml>"
    )


def voice_xml(openid: str, recognition: str, msg_id: int) -> str:
    return (
        "<xml>"
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[voice]]></MsgType>"
        "<MediaId><![CDATA[media_id_0123]]></MediaId>"
        "<Format><![CDATA[amr]]></Format>"
        f"<Recognition><![CDATA[{recognition}]]></Recognition>"
        f"<MsgId>{msg_id}</MsgId>"
        "</xml>"
    )


def reply_content(xml: str) -> dict[str, str]:
    """The fields of a passive reply (read with the standard library, not wechatpy)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    return {child.tag: child.text or "" for child in root}
