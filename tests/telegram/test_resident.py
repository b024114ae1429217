"""A resident on Telegram, through long polling against the local Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from base.settings import Settings
from bot.runtime import Runtime
from bot.telegram_commands import run_telegram
from tests.telegram.conftest import STAFF_CHAT, eventually
from tests.telegram.fake_bot_api import (
    FakeBotAPI,
    callback_update,
    contact_update,
    message_update,
)

RESIDENT = 700001


@pytest.fixture
async def polling(tg_settings: Settings) -> AsyncIterator[Runtime]:
    runtime = Runtime(tg_settings)
    stop = anyio.Event()
    task = asyncio.create_task(run_telegram(runtime, stop, poll_timeout=1, reminders=False))
    try:
        yield runtime
    finally:
        stop.set()
        await task
        await runtime.aclose()


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


async def _reply_after(
    bot_api: FakeBotAPI, update: dict[str, Any], count: int = 1, chat: int = RESIDENT
) -> list[dict[str, Any]]:
    """Push an update; the ``count`` messages the bot answers with (the limiter spaces
    a burst of messages to one chat, so they may take a few seconds)."""
    before = len(bot_api.messages_to(chat))
    bot_api.push(update)
    await eventually(lambda: len(bot_api.messages_to(chat)) >= before + count)
    return bot_api.messages_to(chat)[before:]


async def test_a_resident_conversation_with_buttons_and_a_shared_phone(
    polling: Runtime, bot_api: FakeBotAPI
) -> None:
    # /start answers with the menu as an inline keyboard
    menu = (await _reply_after(bot_api, message_update(RESIDENT, "/start")))[-1]
    buttons = _buttons(menu)
    assert buttons["紧急求助"] == "/urgent_help"
    assert "申请救助" in buttons

    # pressing 紧急求助 sends its payload: the urgent flow opens a case and asks where
    replies = await _reply_after(bot_api, callback_update(RESIDENT, "/urgent_help", menu), 2)
    text = "\n".join(m["text"] for m in replies)
    assert "JZ" in text
    answered = bot_api.sent("answerCallbackQuery")
    assert answered, "the press is answered so the client stops its spinner"
    edited = bot_api.sent("editMessageReplyMarkup", chat_id=RESIDENT)
    assert edited and edited[-1]["message_id"] == menu["message_id"]

    # the place, then what happened: a fire told in the form is a danger to life, so the
    # 119/120/110 lines come first, then the note that it went to the same urgent case
    assert "在哪里" in replies[-1]["text"]
    question = (await _reply_after(bot_api, message_update(RESIDENT, "资阳区长春镇二港村3组")))[-1]
    assert "发生了什么" in question["text"]
    told = await _reply_after(bot_api, message_update(RESIDENT, "房子着火了，一家三口没地方住"), 3)
    assert told[0]["text"].startswith("🆘 请马上拨打 119 火警、120 急救、110 报警")
    assert "危及生命" in told[1]["text"]
    [opened] = polling.backend.cases_for_sender("telegram", str(RESIDENT))
    assert (opened.kind, opened.priority, opened.status) == ("urgent", "life", "open")
    assert opened.case_no in told[1]["text"]
    question = told[-1]
    assert "电话" in question["text"] or "手机" in question["text"]
    phone_question = bot_api.sent("sendMessage", chat_id=RESIDENT)[-1]
    keyboard = phone_question["reply_markup"]["keyboard"]
    assert keyboard[0][0] == {"text": "📱 发送我的手机号", "request_contact": True}

    # sharing the contact answers the question with the number
    await _reply_after(bot_api, contact_update(RESIDENT, "+86 138 0013 8000"))
    session = await polling.store.get("telegram", str(RESIDENT))
    assert session is not None and session.flow is None  # the urgent form is complete
    last = bot_api.sent("sendMessage", chat_id=RESIDENT)[-1]
    assert last["reply_markup"] == {"remove_keyboard": True}
    case = polling.backend.cases_for_sender("telegram", str(RESIDENT))[0]
    detail = polling.backend.case_detail(case.case_no)
    assert polling.backend.cases.phone_of(case.case_no) == "13800138000"  # for staff to call
    assert "13800138000" not in str(detail.model_dump())  # masked until revealed (audited)
    assert "138****8000" in str(detail.model_dump())

    # the staff group got the new urgent request with its three buttons
    await eventually(lambda: bot_api.sent("sendMessage", chat_id=STAFF_CHAT))
    posted = bot_api.sent("sendMessage", chat_id=STAFF_CHAT)[0]
    assert posted["text"].startswith(("🚨", "🆘"))
    assert case.case_no in posted["text"]
    staff_buttons = [b["callback_data"] for b in posted["reply_markup"]["inline_keyboard"][0]]
    assert staff_buttons == [f"staff:{a}:{case.case_no}" for a in ("accept", "view", "assign")]


async def test_a_long_payload_travels_as_the_button_title(
    polling: Runtime, bot_api: FakeBotAPI
) -> None:
    from base.messages import Button
    from channels.telegram.bot import callback_data

    long = Button("低保标准", '/ask_amount{"program": "dibao", "aspect": "amount", "x": "yyyyyy"}')
    assert callback_data(long, 1) == "#低保标准"
    menu = (await _reply_after(bot_api, message_update(RESIDENT, "/start")))[-1]
    replies = await _reply_after(bot_api, callback_update(RESIDENT, "#低保标准", menu))
    assert any("低保" in m["text"] for m in replies)


async def test_the_same_update_delivered_again_is_handled_once(
    polling: Runtime, bot_api: FakeBotAPI
) -> None:
    update = message_update(RESIDENT, "/start")
    await _reply_after(bot_api, update)
    count = len(bot_api.messages_to(RESIDENT))
    bot_api.redeliver(update)  # as after a restart before the offset was confirmed
    await eventually(lambda: not bot_api.redelivery_pending)
    await anyio.sleep(1.0)  # time enough to answer it, were it handled
    assert len(bot_api.messages_to(RESIDENT)) == count
    # a new update is still answered
    await _reply_after(bot_api, message_update(RESIDENT, "/help"))


async def test_staff_group_messages_from_residents_are_not_answered(
    tg_settings: Settings, bot_api: FakeBotAPI
) -> None:
    runtime = Runtime(tg_settings)
    channel = runtime.telegram_channel()
    from telegram import Update

    group_message = message_update(RESIDENT, "你好")
    group_message["message"]["chat"] = {"id": STAFF_CHAT, "type": "supergroup", "title": "救助"}
    async with channel.application as app:
        await app.process_update(Update.de_json(group_message, app.bot))
    assert bot_api.sent("sendMessage") == []
    await runtime.aclose()


async def test_one_chats_updates_run_in_order_other_chats_alongside(
    tg_settings: Settings,
) -> None:
    from telegram import Update

    from channels.telegram.bot import PerChatOrder, build_application

    assert isinstance(build_application(tg_settings).update_processor, PerChatOrder)
    order = PerChatOrder(8)
    done: list[str] = []

    async def work(name: str, delay: float) -> None:
        await anyio.sleep(delay)
        done.append(name)

    def update(user_id: int) -> Update:
        return Update.de_json(message_update(user_id, "你好"), None)  # type: ignore[return-value]

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(order.process_update, update(1), work("first of 1", 0.3))
        await anyio.sleep(0.01)
        tasks.start_soon(order.process_update, update(1), work("second of 1", 0.0))
        tasks.start_soon(order.process_update, update(2), work("only of 2", 0.1))
    assert done == ["only of 2", "first of 1", "second of 1"]


def test_a_long_reply_is_cut_at_line_ends_within_telegrams_limit() -> None:
    from channels.telegram.bot import TEXT_LIMIT, split_text

    lines = [f"第{n}条：" + "材料说明" * 30 for n in range(200)]
    text = "\n".join(lines)
    parts = split_text(text)
    assert len(parts) > 1 and all(len(part) <= TEXT_LIMIT for part in parts)
    assert "\n".join(parts) == text  # nothing lost, cut only at line ends
    assert split_text("一" * (TEXT_LIMIT * 2 + 5)) == ["一" * TEXT_LIMIT] * 2 + ["一" * 5]
    assert split_text("") == [" "]
