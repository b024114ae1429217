"""The staff group: new requests posted with buttons; a press acts as the bound staff member."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update

from backend.assignment import assignee_of
from base.settings import Settings
from bot.runtime import Runtime
from channels.telegram.bot import TelegramChannel
from tests.telegram.conftest import STAFF_CHAT, connected
from tests.telegram.fake_bot_api import FakeBotAPI, callback_update, message_update

CLERK = 800001  # bound to a staff account of 长春镇
STRANGER = 800002  # a group member without a staff account
OUTSIDER = 800003  # staff, but of another township
RESIDENT = 700002


@pytest.fixture
def db_url(both_databases: str) -> str:
    return both_databases


@pytest.fixture
async def channel(tg_settings: Settings) -> AsyncIterator[TelegramChannel]:
    runtime = Runtime(tg_settings)
    channel = connected(runtime)
    async with channel.application:
        yield channel
    await runtime.aclose()


async def feed(channel: TelegramChannel, update: dict[str, Any]) -> None:
    app = channel.application
    await app.process_update(Update.de_json(update, app.bot))


async def deliver(channel: TelegramChannel) -> None:
    await channel.services.backend.dispatcher().drain()


async def bind(channel: TelegramChannel, user_id: int, name: str, region: str) -> None:
    _, token = channel.services.backend.create_staff(name, "caseworker", region)
    await feed(channel, message_update(user_id, f"/bind {token}"))


def open_case(channel: TelegramChannel, kind: str = "handoff", **extra: Any) -> str:
    outcome = channel.services.backend.create_case(
        kind,
        summary="想找工作人员问低保的事",
        township="长春镇",
        village="二港村",
        chat_channel="telegram",
        chat_sender=str(RESIDENT),
        **extra,
    )
    assert outcome.case is not None
    return outcome.case.case_no


def posted(bot_api: FakeBotAPI, case_no: str) -> dict[str, Any]:
    """The staff-group message announcing ``case_no`` (as the Bot API answered it)."""
    found = [m for m in bot_api.messages_to(STAFF_CHAT) if case_no in m["text"]]
    assert found, "the case was posted to the staff group"
    return found[0]


def alerts(bot_api: FakeBotAPI) -> list[str]:
    return [c.get("text", "") for c in bot_api.sent("answerCallbackQuery")]


async def test_a_bound_staff_member_accepts_and_an_unbound_user_is_refused(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    await bind(channel, CLERK, "李娟", "长春镇")
    assert "李娟" in bot_api.sent(chat_id=CLERK)[-1]["text"]
    case_no = open_case(channel)
    await deliver(channel)
    message = posted(bot_api, case_no)
    assert not message["text"].startswith("🚨")
    accept = f"staff:accept:{case_no}"

    # someone in the group without a staff account: refused, nothing changes
    await feed(channel, callback_update(STRANGER, accept, message))
    refusal = bot_api.sent("answerCallbackQuery")[-1]
    assert "绑定" in refusal["text"] and refusal["show_alert"] in ("true", True)
    assert backend.find_case(case_no).status == "open"  # type: ignore[union-attr]

    # the bound clerk: the case moves, in the clerk's name
    await feed(channel, callback_update(CLERK, accept, message))
    assert "已受理" in alerts(bot_api)[-1]
    assert backend.find_case(case_no).status == "in_progress"  # type: ignore[union-attr]
    events = backend.case_detail(case_no).events
    assert events[-1].to_status == "in_progress" and "李娟" in events[-1].actor
    # the 受理 button is gone from the group message, the others stay
    markup = bot_api.sent("editMessageReplyMarkup", chat_id=STAFF_CHAT)[-1]["reply_markup"]
    left = [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
    assert left == [f"staff:view:{case_no}", f"staff:assign:{case_no}"]

    # the resident hears of it through the notifier, the group sees the transition
    await deliver(channel)
    assert any(case_no in m["text"] for m in bot_api.messages_to(RESIDENT))
    assert len([m for m in bot_api.messages_to(STAFF_CHAT) if case_no in m["text"]]) == 2

    # a staff reply from the console reaches the resident's chat too, once
    backend.message_resident(case_no, "您好，我是民政办小李，明天上午给您回电话。", "李娟")
    await deliver(channel)
    await deliver(channel)
    replies = [m for m in bot_api.messages_to(RESIDENT) if "明天上午" in m["text"]]
    assert len(replies) == 1

    # pressing 受理 again cannot move it twice
    await feed(channel, callback_update(CLERK, accept, message))
    assert "不能受理" in alerts(bot_api)[-1]


async def test_view_and_assign_act_as_the_presser(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    await bind(channel, CLERK, "李娟", "长春镇")
    await bind(channel, OUTSIDER, "王强", "新桥河镇")
    case_no = open_case(
        channel,
        kind="application",
        programs=["dibao"],
        applicant={"name": "张三", "id_number": "430902199001011231", "phone": "13800138000"},
    )
    await deliver(channel)
    message = posted(bot_api, case_no)
    assert "430902199001011231" not in message["text"]  # masked in the group

    # staff of another township may not touch it
    await feed(channel, callback_update(OUTSIDER, f"staff:assign:{case_no}", message))
    assert "辖区" in alerts(bot_api)[-1]
    assert assignee_of(backend, case_no) is None

    await feed(channel, callback_update(CLERK, f"staff:assign:{case_no}", message))
    clerk = backend.staff_for_chat("telegram", str(CLERK))
    assert clerk is not None and assignee_of(backend, case_no) == clerk.id
    assert "李娟" in alerts(bot_api)[-1]
    assert backend.case_detail(case_no).events[-1].action == "assign"

    # 查看: the detail goes to the clerk's private chat, not to the group
    before = len(bot_api.messages_to(STAFF_CHAT))
    await feed(channel, callback_update(CLERK, f"staff:view:{case_no}", message))
    detail = bot_api.messages_to(CLERK)[-1]["text"]
    assert case_no in detail and "张三" in detail and "已提交" in detail
    assert "430902199001011231" not in detail
    assert len(bot_api.messages_to(STAFF_CHAT)) == before
    assert "私信" in alerts(bot_api)[-1]

    # the clerk blocked the bot: told how to open the private chat
    bot_api.blocked.add(CLERK)
    await feed(channel, callback_update(CLERK, f"staff:view:{case_no}", message))
    assert "私聊" in alerts(bot_api)[-1]


async def test_an_urgent_request_is_marked(channel: TelegramChannel, bot_api: FakeBotAPI) -> None:
    case_no = open_case(channel, kind="urgent", priority="urgent")
    await deliver(channel)
    assert posted(bot_api, case_no)["text"].startswith("🚨")


async def test_a_failed_post_is_retried_by_the_outbox(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    bot_api.blocked.add(STAFF_CHAT)  # the bot was removed from the group
    case_no = open_case(channel)
    await deliver(channel)
    assert bot_api.messages_to(STAFF_CHAT) == []
    bot_api.blocked.clear()
    dispatcher = channel.services.backend.dispatcher(base_delay=0.0)
    with channel.services.backend.db.session() as session:
        from sqlalchemy import update

        from backend.models import OutboxMessage

        session.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    await dispatcher.drain()
    assert posted(bot_api, case_no)


async def test_a_resident_who_blocked_the_bot_is_not_retried(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    from sqlalchemy import select, update

    from backend.models import OutboxMessage

    backend = channel.services.backend
    case_no = open_case(channel)
    bot_api.blocked.add(RESIDENT)
    backend.transition(case_no, "in_progress", "已安排", "李娟")
    await deliver(channel)
    assert len(bot_api.refused("sendMessage")) == 1, "the push was tried"

    def resident_rows() -> list[Any]:
        with backend.db.session() as session:
            return list(
                session.execute(
                    select(OutboxMessage.status, OutboxMessage.attempts).where(
                        OutboxMessage.sink == "resident:telegram"
                    )
                ).all()
            )

    assert [tuple(row) for row in resident_rows()] == [("dead", 1)]
    with backend.db.session() as session:  # even when everything else is due again
        session.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    await channel.services.backend.dispatcher(base_delay=0.0).drain()
    assert len(bot_api.refused("sendMessage")) == 1  # not tried again
    assert [tuple(row) for row in resident_rows()] == [("dead", 1)]


async def test_a_case_recorded_by_staff_names_its_recorder_in_the_group(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    """口述办: the 查看 detail names the staff member who recorded it, by real name."""
    backend = channel.services.backend
    await bind(channel, CLERK, "李娟", "长春镇")
    recorder, _ = backend.create_staff("周晓梅", "caseworker", "长春镇")
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant={"name": "王有福", "id_number": "430902195801011231"},
        channel="口述办",
        township="长春镇",
        recorded_by=recorder.id,
    )
    assert outcome.case is not None
    case_no = outcome.case.case_no
    await deliver(channel)
    await feed(channel, callback_update(CLERK, f"staff:view:{case_no}", posted(bot_api, case_no)))
    detail = bot_api.messages_to(CLERK)[-1]["text"]
    assert "渠道：口述办" in detail and "录入人：周晓梅" in detail
