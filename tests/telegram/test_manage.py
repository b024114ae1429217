"""Withdrawing one's own application on Telegram: confirmed with a button, staff told."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from base.settings import Settings
from bot.runtime import Runtime
from channels.telegram.bot import TelegramChannel
from nlu.validators import id_check_char
from tests.telegram.conftest import STAFF_CHAT, connected
from tests.telegram.fake_bot_api import FakeBotAPI, callback_update, message_update
from tests.telegram.test_staff import deliver, feed

RESIDENT = 700401


@pytest.fixture
async def channel(tg_settings: Settings) -> AsyncIterator[TelegramChannel]:
    runtime = Runtime(tg_settings)
    channel = connected(runtime)
    async with channel.application:
        yield channel
    await runtime.aclose()


async def test_withdraw_by_chat_with_a_confirmation(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    prefix = "43090219580101123"
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant={"name": "王建国", "id_number": prefix + id_check_char(prefix)},
        township="长春镇",
        chat_channel="telegram",
        chat_sender=str(RESIDENT),
    )
    assert outcome.case is not None
    case_no = outcome.case.case_no
    await feed(channel, message_update(RESIDENT, "我要撤回申请"))
    asked = bot_api.messages_to(RESIDENT)[-1]
    assert case_no in asked["text"] and "确定要撤回" in asked["text"]
    buttons = {
        b["text"]: b["callback_data"]
        for row in asked["reply_markup"]["inline_keyboard"]
        for b in row
    }
    await feed(channel, callback_update(RESIDENT, buttons["确定撤回"], asked))
    assert "已经撤回" in bot_api.messages_to(RESIDENT)[-1]["text"]
    assert backend.find_case(case_no).status == "withdrawn"  # type: ignore[union-attr]
    assert len(backend.cases_for_sender("telegram", str(RESIDENT))) == 1
    await deliver(channel)
    assert any(
        case_no in m["text"] and "已撤回" in m["text"] for m in bot_api.messages_to(STAFF_CHAT)
    )
