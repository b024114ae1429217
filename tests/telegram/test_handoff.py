"""转人工 on Telegram is a conversation: the resident's messages reach the staff group as
they come, a staff member answers by replying there, and the answer reaches the resident."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from base.settings import Settings
from bot.runtime import Runtime
from channels.telegram.bot import TelegramChannel
from tests.telegram.conftest import STAFF_CHAT, connected
from tests.telegram.fake_bot_api import FakeBotAPI, message_update, user
from tests.telegram.test_staff import deliver, feed

RESIDENT = 700201
ADMIN = 800201
STRANGER = 800202
_ids = itertools.count(9_000_000)


@pytest.fixture
async def channel(tg_settings: Settings) -> AsyncIterator[TelegramChannel]:
    runtime = Runtime(tg_settings)
    channel = connected(runtime)
    async with channel.application:
        yield channel
    await runtime.aclose()


def group_reply(user_id: int, text: str, to: dict[str, Any]) -> dict[str, Any]:
    """A member of the staff group replying to ``to`` (a message the bot posted there)."""
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": STAFF_CHAT, "type": "supergroup", "title": "民政办"},
            "from": user(user_id, "李娟"),
            "text": text,
            "reply_to_message": to,
        },
    }


async def test_the_resident_and_staff_talk_through_the_group(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    _, token = backend.create_staff("李娟", "admin")
    await feed(channel, message_update(ADMIN, f"/bind {token}"))

    await feed(channel, message_update(RESIDENT, "转人工"))
    await feed(channel, message_update(RESIDENT, "我想问问低保，我的电话是13812345678"))
    said = [m["text"] for m in bot_api.messages_to(RESIDENT)]
    assert "已转给工作人员" in said[-1]
    case_no = backend.cases_for_sender("telegram", str(RESIDENT))[0].case_no

    await deliver(channel)
    posts = [m for m in bot_api.messages_to(STAFF_CHAT) if "【转人工·居民留言】" in m["text"]]
    assert len(posts) == 1 and case_no in posts[0]["text"]
    assert "13812345678" not in posts[0]["text"] and "138****5678" in posts[0]["text"]

    # someone without a staff account cannot answer for the office
    await feed(channel, group_reply(STRANGER, "随便说说", posts[0]))
    assert "绑定" in bot_api.messages_to(STAFF_CHAT)[-1]["text"]

    await feed(channel, group_reply(ADMIN, "您好，我是民政办小李，下午给您回电话。", posts[0]))
    assert case_no in bot_api.messages_to(STAFF_CHAT)[-1]["text"]
    await deliver(channel)
    answers = [m["text"] for m in bot_api.messages_to(RESIDENT) if "民政办小李" in m["text"]]
    assert len(answers) == 1 and "工作人员回复" in answers[0]
    lines = channel.services.handoffs.conversation(
        backend.staff_for_chat("telegram", str(ADMIN)), case_no
    )
    assert [line.by_resident for line in lines] == [True, False]
    assert "李娟" in lines[1].actor

    # 回到小助手: the next message is the assistant's again
    await feed(channel, message_update(RESIDENT, "回到小助手"))
    await feed(channel, message_update(RESIDENT, "你好"))
    assert "已转给工作人员" not in bot_api.messages_to(RESIDENT)[-1]["text"]
    assert (
        len(
            channel.services.handoffs.conversation(
                backend.staff_for_chat("telegram", str(ADMIN)), case_no
            )
        )
        == 2
    )
