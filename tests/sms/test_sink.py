"""Notifications as SMS: status changes and staff messages as the status template,
reminders as the reminder template, the number from the case or the roster; WeChat
falling back to SMS when it cannot reach the resident."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from backend.contacts import Contacts
from backend.models import Contact
from backend.outbox import Delivery
from base.settings import Settings
from channels.sms.providers import make_provider
from channels.sms.sender import SmsSender
from channels.sms.sink import SmsSink
from channels.wechat.api import WeChatAPI
from channels.wechat.push import WeChatPusher, WeChatSink
from channels.wechat.webhook import WeChatChannel
from services.container import Services
from tests.sms.fake_sms_api import KEY_ID, KEY_SECRET, FakeSmsAPI
from tests.web.conftest import import_roster, valid_id
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
def services(tmp_path: Path, sms_api: FakeSmsAPI, wechat_api: FakeWeChatAPI) -> Iterator[Services]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'sink.db'}",
        secret_key="sink-test-secret",
        sms_provider="aliyun",
        sms_api_base=sms_api.base_url,
        sms_key_id=KEY_ID,
        sms_key_secret=KEY_SECRET,
        sms_sign_name="资阳区民政局",
        sms_template_reminder="SMS_465000001",
        sms_template_status="SMS_465000002",
        wechat_token="t",
        wechat_appid=APPID,
        wechat_secret=SECRET,
        wechat_api_base=wechat_api.base_url,
    )
    container = Services(settings)
    yield container
    container.close()


def _sink(services: Services) -> SmsSink:
    return SmsSink(services, SmsSender(services, make_provider(services.settings)))


async def test_a_status_change_by_sms_names_the_case_and_the_stage(
    services: Services, sms_api: FakeSmsAPI
) -> None:
    outcome = services.backend.create_case(
        "application",
        programs=["dibao"],
        applicant={
            "name": "王建国",
            "id_number": valid_id("43090219580101123"),
            "phone": "13807371234",
        },
        chat_channel="web",
        chat_sender="web-aaaaaaaaaaaaaaaaaaaaaaaa",
    )
    assert outcome.case is not None
    case_no = outcome.case.case_no
    delivery = Delivery(
        id=1,
        key=f"{case_no}:event:2:resident",
        sink="resident:sms",
        case_no=case_no,
        payload={
            "chat_channel": "web",
            "sender": "web-aaaaaaaaaaaaaaaaaaaaaaaa",
            "text": "…",
            "status": "accepted",
        },
        attempt=1,
    )
    await _sink(services)(delivery)
    await _sink(services)(delivery)  # the outbox delivers at least once
    [sent] = sms_api.sent
    assert sent.phone == "13807371234" and sent.template == "SMS_465000002"
    assert sent.params == {"case_no": case_no, "stage": "已受理"}


async def test_wechat_out_of_reach_falls_back_to_one_sms_reminder(
    services: Services, sms_api: FakeSmsAPI, wechat_api: FakeWeChatAPI
) -> None:
    backend = services.backend
    id_number = valid_id("43090219500101123")
    import_roster(backend, [["张三", id_number, "13800000000", "低保", "大码头街道", "金花坪社区"]])
    recipient = backend.bind_recipient("wechat", OPENID, "张三", id_number, "13800000000")
    assert recipient is not None
    contacts = Contacts(backend.db, backend.settings.secret_key)
    contacts.touch("wechat", OPENID)
    with backend.db.session() as session:  # the resident last wrote four days ago
        row = session.query(Contact).one()
        row.last_used_at = row.last_used_at - timedelta(days=4)
    channel = WeChatChannel(_Nobody(), services, WeChatAPI(services.settings, backend.db))
    sink = WeChatSink(WeChatPusher(channel, contacts), _sink(services).fallback)
    delivery = Delivery(
        id=7,
        key=f"reminder:{recipient.id}:2026Q4:end",
        sink="resident:wechat",
        case_no=None,
        payload={
            "kind": "reminder",
            "text": "张三您好，请签到",
            "chat_channel": "wechat",
            "sender": OPENID,
        },
        attempt=1,
    )
    await sink(delivery)
    await sink(delivery)
    assert wechat_api.texts_to(OPENID) == []  # outside the 48 hours, no template set
    [sent] = sms_api.sent
    assert sent.phone == "13800000000" and sent.template == "SMS_465000001"
    assert sent.params == {"name": "张三", "quarter": "2026年第4", "deadline": "12月31日"}
    assert sent.out_id == f"reminder:{recipient.id}:2026Q4:end:sms"


class _Nobody:
    async def handle(self, message: object) -> list[object]:
        raise AssertionError("a push is not a turn")


def test_sms_reminds_only_recipients_no_chat_can_reach(services: Services) -> None:
    from backend import sms as book

    backend = services.backend
    ids = [valid_id(f"4309021950010{n}123") for n in range(1, 6)]
    import_roster(
        backend,
        [
            ["张一", ids[0], "13800000001", "低保", "大码头街道", "金花坪社区"],
            ["张二", ids[1], "13800000002", "低保", "大码头街道", "金花坪社区"],  # bound to WeChat
            ["张三", ids[2], "", "低保", "大码头街道", "金花坪社区"],  # no phone
            ["张四", ids[3], "13800000004", "低保", "大码头街道", "金花坪社区"],  # replied TD
            [
                "张五",
                ids[4],
                "13800000005",
                "低保",
                "大码头街道",
                "金花坪社区",
            ],  # the web page only
        ],
    )
    assert backend.bind_recipient(
        "web", "web-aaaaaaaaaaaaaaaaaaaaaaaa", "张五", ids[4], "13800000005"
    )
    assert backend.bind_recipient("wechat", OPENID, "张二", ids[1], "13800000002")
    book.set_stopped(backend, "13800000004", True)
    targets = book.reminder_targets(backend, "2026Q4", "end")
    assert [(name, phone) for _rid, name, phone in targets] == [
        ("张一", "13800000001"),
        ("张五", "13800000005"),
    ]
