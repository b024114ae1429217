"""Danger to life on Telegram: the resident gets the lines first, the staff group the
request marked 【危及生命】."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from base.settings import Settings
from bot.runtime import Runtime
from channels.telegram.bot import TelegramChannel
from tests.telegram.conftest import STAFF_CHAT, connected
from tests.telegram.fake_bot_api import FakeBotAPI, message_update
from tests.telegram.test_staff import deliver, feed

RESIDENT = 700101


@pytest.fixture
async def channel(tg_settings: Settings) -> AsyncIterator[TelegramChannel]:
    runtime = Runtime(tg_settings)
    channel = connected(runtime)
    async with channel.application:
        yield channel
    await runtime.aclose()


async def test_collapse_in_a_form_gives_120_first_and_alerts_the_group_as_life(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    await feed(channel, message_update(RESIDENT, "/self_screening"))
    await feed(channel, message_update(RESIDENT, "城镇"))
    await feed(channel, message_update(RESIDENT, "我爸倒在地上叫不醒了"))
    said = [m["text"] for m in bot_api.messages_to(RESIDENT)]
    first = next(i for i, text in enumerate(said) if "请马上拨打" in text)
    assert said[first].startswith("🆘 请马上拨打 120 急救、110 报警")
    assert "危及生命" in said[first + 1]
    cases = channel.services.backend.cases_for_sender("telegram", str(RESIDENT))
    assert [(c.kind, c.priority) for c in cases] == [("urgent", "life")]
    await deliver(channel)
    alert = [m["text"] for m in bot_api.messages_to(STAFF_CHAT) if cases[0].case_no in m["text"]]
    assert alert and alert[0].startswith("🆘 【危及生命】")


async def test_despair_gets_12356(channel: TelegramChannel, bot_api: FakeBotAPI) -> None:
    await feed(channel, message_update(RESIDENT, "撑不下去了 不如死了算了"))
    said = "\n".join(m["text"] for m in bot_api.messages_to(RESIDENT))
    assert "12356 心理援助热线" in said and "120 急救" in said and "110 报警" in said
