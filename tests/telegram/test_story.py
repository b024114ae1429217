"""A resident's account on Telegram: said back in one message with buttons; the
screening button starts the form with the account's facts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from base.settings import Settings
from bot.runtime import Runtime
from channels.telegram.bot import TelegramChannel
from tests.telegram.conftest import connected
from tests.telegram.fake_bot_api import FakeBotAPI, callback_update, message_update
from tests.telegram.test_staff import feed

RESIDENT = 700301


@pytest.fixture
async def channel(tg_settings: Settings) -> AsyncIterator[TelegramChannel]:
    runtime = Runtime(tg_settings)
    channel = connected(runtime)
    async with channel.application:
        yield channel
    await runtime.aclose()


async def test_an_account_is_said_back_and_screening_starts_from_it(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    await feed(
        channel,
        message_update(RESIDENT, "我们家三口人 老公去年出车祸残疾了二级 孩子上初中 住在城里"),
    )
    said = bot_api.messages_to(RESIDENT)[-1]
    assert said["text"].startswith("我听明白的是：家里3口人")
    rows = said["reply_markup"]["inline_keyboard"]
    buttons = {b["text"]: b["callback_data"] for row in rows for b in row}
    assert "按这些情况测一测" in buttons and "找工作人员" in buttons
    await feed(channel, callback_update(RESIDENT, buttons["按这些情况测一测"], said))
    text = "\n".join(m["text"] for m in bot_api.messages_to(RESIDENT)[-3:])
    assert "初步测算" in text and "城镇还是农村" not in text and "几口人" not in text
