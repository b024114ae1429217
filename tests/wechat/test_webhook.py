"""The WeChat callback on the real app (``jiuzhu serve``) with WeChat's real XML, and
WeChat's API played by a local double."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.telegram.conftest import eventually
from tests.wechat.conftest import (
    ACCOUNT,
    event_xml,
    reply_content,
    signed_query,
    text_xml,
    voice_xml,
)
from tests.wechat.fake_wechat_api import FakeWeChatAPI

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def post(client: TestClient, xml: str, **query: str) -> Any:
    return client.post(
        "/webhooks/wechat",
        params={**signed_query(), **query},
        content=xml.encode(),
        headers={"Content-Type": "text/xml"},
    )


def test_the_server_check_answers_echostr_only_when_signed(client: TestClient) -> None:
    good = client.get(
        "/webhooks/wechat", params={**signed_query(), "echostr": "5837397520521790391"}
    )
    assert good.status_code == 200 and good.text == "5837397520521790391"
    forged = {**signed_query(), "echostr": "5837397520521790391"}
    forged["signature"] = "0" * 40
    bad = client.get("/webhooks/wechat", params=forged)
    assert bad.status_code == 403 and "5837397520521790391" not in bad.text
    unsigned = client.post("/webhooks/wechat", content=text_xml(OPENID, "你好", 1).encode())
    assert unsigned.status_code == 403


def test_a_text_message_gets_a_passive_reply_with_numbered_choices(client: TestClient) -> None:
    answer = post(client, text_xml(OPENID, "你好", 6_100_000_000_000_000_001))
    assert answer.status_code == 200
    fields = reply_content(answer.text)
    assert fields["ToUserName"] == OPENID and fields["FromUserName"] == ACCOUNT
    assert fields["MsgType"] == "text"
    assert "请回复数字选择" in fields["Content"] and "\n1. " in fields["Content"]
    # Choosing by number works as on every channel.
    number = next(
        line.split(".")[0] for line in fields["Content"].splitlines() if "申请救助" in line
    )
    chosen = reply_content(post(client, text_xml(OPENID, number, 6_100_000_000_000_000_002)).text)
    assert "哪一项救助" in chosen["Content"]


def test_a_message_sent_again_by_wechat_is_handled_once(client: TestClient) -> None:
    first = post(client, text_xml(OPENID, "我想申请低保", 6_200_000_000_000_000_001, 1700000001))
    assert "姓名" in reply_content(first.text)["Content"]
    again = post(client, text_xml(OPENID, "我想申请低保", 6_200_000_000_000_000_001, 1700000001))
    assert again.status_code == 200 and again.text == "success"
    # The form moved one step, not two: the name question is still open.
    name = reply_content(
        post(client, text_xml(OPENID, "我叫王建国", 6_200_000_000_000_000_002)).text
    )
    assert "身份证号" in name["Content"]


def test_follow_and_menu_clicks(client: TestClient) -> None:
    welcome = reply_content(post(client, event_xml(OPENID, "subscribe")).text)
    assert "申请救助" in welcome["Content"]
    again = post(client, event_xml(OPENID, "subscribe"))  # the same event retried
    assert again.text == "success"
    click = reply_content(post(client, event_xml(OPENID, "CLICK", "/apply", 1700000100)).text)
    assert "哪一项救助" in click["Content"]


def test_voice_is_read_through_wechats_recognition(client: TestClient) -> None:
    fields = reply_content(
        post(client, voice_xml(OPENID, "我想申请低保。", 6_300_000_000_000_000_001)).text
    )
    assert "姓名" in fields["Content"]
    unclear = reply_content(post(client, voice_xml(OPENID, "", 6_300_000_000_000_000_002)).text)
    assert "没有听清" in unclear["Content"]


def test_a_picture_gets_a_kind_text(client: TestClient) -> None:
    xml = (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://127.0.0.1/p.jpg]]></PicUrl>"
        "<MediaId><![CDATA[media_id]]></MediaId><MsgId>6400000000000000001</MsgId></xml>"
    )
    assert "只能看懂文字" in reply_content(post(client, xml).text)["Content"]


def test_broken_xml_is_refused(client: TestClient) -> None:
    assert post(client, "<xml><ToUserName>").status_code == 400


async def test_a_slow_turn_follows_as_a_customer_service_message(
    app: Any, wechat_api: FakeWeChatAPI
) -> None:
    with TestClient(app) as client:
        app.state.wechat.reply_within = 0.0  # as if the turn took longer than WeChat waits
        answer = post(client, text_xml(OPENID, "你好", 6_500_000_000_000_000_001))
        assert answer.status_code == 200 and answer.text == "success"
        await eventually(lambda: wechat_api.texts_to(OPENID))
        [sent] = wechat_api.texts_to(OPENID)
        assert "请回复数字选择" in sent
        assert len(wechat_api.of("/cgi-bin/token")) == 1


def test_safe_mode_messages_are_opened_and_answers_sealed(wx_settings: Any) -> None:
    """安全模式: WeChat encrypts with the EncodingAESKey; the answer is encrypted back."""
    import re

    from wechatpy.crypto import WeChatCrypto

    from bot.app import create_app
    from tests.wechat.conftest import WECHAT_TOKEN
    from tests.wechat.fake_wechat_api import APPID

    aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as 公众平台 makes
    settings = wx_settings.model_copy(update={"wechat_aes_key": aes_key})
    wechat = WeChatCrypto(WECHAT_TOKEN, aes_key, APPID)  # WeChat's side of the envelope
    query = signed_query("998877")
    sealed = wechat.encrypt_message(
        text_xml(OPENID, "你好", 6_600_000_000_000_000_001), "998877", query["timestamp"]
    )
    encrypt = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", sealed).group(1)  # type: ignore[union-attr]
    msg_signature = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]></MsgSignature>", sealed).group(
        1
    )  # type: ignore[union-attr]
    body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    with TestClient(create_app(settings)) as client:
        answer = client.post(
            "/webhooks/wechat",
            params={**query, "encrypt_type": "aes", "msg_signature": msg_signature},
            content=body.encode(),
        )
        assert (
            answer.status_code == 200
            and "<Encrypt>" in answer.text
            and "请回复数字" not in answer.text
        )
        signature = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]>", answer.text).group(1)  # type: ignore[union-attr]
        nonce = re.search(r"<Nonce><!\[CDATA\[(.*?)\]\]>", answer.text).group(1)  # type: ignore[union-attr]
        stamp = re.search(r"<TimeStamp>(\d+)</TimeStamp>", answer.text).group(1)  # type: ignore[union-attr]
        opened = wechat.decrypt_message(answer.text, signature, stamp, nonce)
        assert "请回复数字选择" in reply_content(opened)["Content"]
        wrong = client.post(
            "/webhooks/wechat",
            params={**query, "encrypt_type": "aes", "msg_signature": "0" * 40},
            content=body.encode(),
        )
        assert wrong.status_code == 400
