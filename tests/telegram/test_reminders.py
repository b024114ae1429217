"""Quarterly check-in reminders over Telegram: once each, within limits, opt-out honoured.

A round queues outbox rows; the dispatcher of the Telegram process delivers them."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from telegram import Update

from backend import reminders
from backend.clock import CHINA
from backend.models import OutboxMessage
from base.settings import Settings
from bot.runtime import Runtime
from channels.telegram.bot import TelegramChannel
from channels.telegram.limits import SendLimiter
from channels.telegram.reminders import ReminderSchedule
from nlu.validators import id_check_char
from tests.telegram.conftest import connected
from tests.telegram.fake_bot_api import FakeBotAPI, callback_update, message_update

QUARTER = "2026Q4"
HEADER = "姓名,身份证号,手机号,项目,乡镇街道,村社区"
NAMES = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"]
IN_HOURS = datetime(2026, 12, 22, 2, 0, tzinfo=UTC)  # 10:00 in China


def id_number(n: int) -> str:
    first17 = f"43090219500101{n:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def db_url(both_databases: str) -> str:
    return both_databases


@pytest.fixture
async def runtime(tg_settings: Settings) -> AsyncIterator[Runtime]:
    runtime = Runtime(tg_settings)
    yield runtime
    await runtime.aclose()


@pytest.fixture
async def channel(runtime: Runtime) -> AsyncIterator[TelegramChannel]:
    channel = connected(runtime)
    async with channel.application:
        yield channel


async def deliver(channel: TelegramChannel, moment: datetime = IN_HOURS) -> None:
    """What the Telegram process's dispatcher does, at ``moment`` (China hours count)."""
    await channel.services.backend.dispatcher(clock=lambda: moment).drain()


async def feed(channel: TelegramChannel, update: dict[str, Any]) -> None:
    app = channel.application
    await app.process_update(Update.de_json(update, app.bot))


def roster(channel: TelegramChannel) -> dict[str, int]:
    """Eight recipients on the roster; the first seven bound to Telegram chats (900001…),
    the eighth to the REST channel. Returns name → Telegram user id."""
    backend = channel.services.backend
    rows = [HEADER] + [
        f"{name},{id_number(i)},1380000{i:04d},低保,长春镇,二港村" for i, name in enumerate(NAMES)
    ]
    result = backend.import_recipients("\n".join(rows).encode(), "roster.csv")
    assert result.imported == len(NAMES) and not result.errors
    users: dict[str, int] = {}
    for i, name in enumerate(NAMES):
        chat, sender = ("telegram", str(900001 + i)) if i < 7 else ("rest", "web-8")
        bound = backend.bind_recipient(chat, sender, name, id_number(i), f"1380000{i:04d}")
        assert bound is not None
        users[name] = 900001 + i
    return users


async def test_a_round_with_a_429_reaches_everyone_due_exactly_once(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    users = roster(channel)
    # 周五 has checked in already; 吴六 turned reminders off in the chat; 郑七 blocked the bot
    backend.record_checkin(backend.recipient_for_chat("telegram", str(users["周五"])), QUARTER)  # type: ignore[arg-type]
    await feed(channel, message_update(users["吴六"], "关闭提醒"))
    assert "已关闭" in bot_api.sent(chat_id=users["吴六"])[-1]["text"]
    bot_api.blocked.add(users["郑七"])
    due = {users[name] for name in ("赵一", "钱二", "孙三", "李四")}

    bot_api.flood_after("sendMessage", ok_calls=2, retry_after=1)
    before = len(bot_api.sent())
    schedule = ReminderSchedule(channel.services)
    first = await schedule.run_round(QUARTER, "end")
    assert first.queued == 5  # the four due and the one who blocked the bot
    assert bot_api.sent()[before:] == []  # queued, not sent: the dispatcher sends
    await deliver(channel)

    reminded = bot_api.sent()[before:]
    assert sorted(p["chat_id"] for p in reminded) == sorted(due)  # each exactly once
    text = reminded[0]["text"]
    assert "2026年第4季度" in text and "12月31日" in text and "还没有签到" in text
    presses = [
        b["callback_data"] for row in reminded[0]["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert presses == ["/checkin", "/reminders_off"]

    # the 429 was waited out: nothing was sent until Telegram's retry_after had passed
    flooded = [c for c in bot_api.refused("sendMessage") if c.status == 429]
    assert len(flooded) == 1
    flood = flooded[0]
    retried = [c for c in bot_api.calls if c.params == flood.params and c.at > flood.at]
    assert len(retried) == 1 and retried[0].at - flood.at >= 0.9
    # sends already in flight may land just after the 429; none started during the pause
    gaps = [c.at - flood.at for c in bot_api.calls if c.method == "sendMessage"]
    assert not [gap for gap in gaps if 0.2 < gap < 0.9]

    # a second round (or another process running it) queues and sends nothing
    count = len(bot_api.calls)
    again = await schedule.run_round(QUARTER, "end")
    assert again.queued == 0
    await deliver(channel)
    assert len(bot_api.calls) == count
    kept = {(r.recipient_id, r.status) for r in reminders.sent(backend, QUARTER)}
    assert len(kept) == 5 and sum(status == "failed" for _, status in kept) == 1
    assert sum(status == "sent" for _, status in kept) == 4
    # the blocked chat was tried once and is not tried again
    assert len([c for c in bot_api.refused("sendMessage") if c.status == 403]) == 1
    with backend.db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.key.like("reminder:%"))  # type: ignore[attr-defined]
        rows = list(session.execute(query).scalars())
    assert sorted(row.status for row in rows) == ["dead"] + ["delivered"] * 4
    assert all(row.sink == "resident:telegram" for row in rows)
    assert {row.key.rsplit(":", 2)[1:] == [QUARTER, "end"] for row in rows} == {True}


async def test_turning_reminders_back_on_and_checking_in_from_the_reminder(
    runtime: Runtime, channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    users = roster(channel)
    user = users["赵一"]
    await feed(channel, message_update(user, "关闭提醒"))
    assert not reminders.is_enabled(backend, "telegram", str(user))
    schedule = ReminderSchedule(channel.services)
    await schedule.run_round(QUARTER, "start")
    await deliver(channel)
    assert bot_api.sent(chat_id=user)[-1]["text"].startswith("好的，已关闭")

    # the "开启提醒" button under that answer turns them on again
    off_answer = bot_api.messages_to(user)[-1]
    await feed(channel, callback_update(user, "/reminders_on", off_answer))
    assert reminders.is_enabled(backend, "telegram", str(user))
    await schedule.run_round(QUARTER, "end")
    await deliver(channel)
    reminder = bot_api.messages_to(user)[-1]
    assert "签到" in reminder["text"] and reminder["reply_markup"]

    # "现在签到" under the reminder starts the check-in in the chat
    await feed(channel, callback_update(user, "/checkin", reminder))
    session = await runtime.store.get("telegram", str(user))
    assert session is not None and session.flow == "checkin"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 1), "start"),
        (date(2026, 10, 30), "start"),
        (date(2026, 10, 31), None),
        (date(2026, 12, 21), None),
        (date(2026, 12, 22), "end"),
        (date(2026, 12, 31), "end"),
        (date(2027, 3, 22), "end"),
    ],
)
def test_which_round_is_due(day: date, expected: str | None) -> None:
    quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
    assert reminders.round_for(day, quarter) == expected


async def test_run_due_picks_the_round_of_the_day(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    users = roster(channel)
    schedule = ReminderSchedule(channel.services)
    assert await schedule.run_due(datetime(2026, 11, 15, 4, tzinfo=UTC)) is None
    # 23:30 UTC on 21 December is 7:30 on 22 December in China: too early for anyone
    assert await schedule.run_due(datetime(2026, 12, 21, 23, 30, tzinfo=UTC)) is None
    await deliver(channel)
    assert bot_api.sent() == []
    # 1:30 UTC is 9:30 in China: the last-ten-days round goes out
    moment = datetime(2026, 12, 22, 1, 30, tzinfo=UTC)
    result = await schedule.run_due(moment)
    assert result is not None and (result.round, result.queued) == ("end", 7)
    await deliver(channel, moment)
    assert {p["chat_id"] for p in bot_api.sent()} == {users[n] for n in NAMES[:7]}


async def test_a_reminder_due_after_hours_waits_for_the_morning(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    users = roster(channel)
    assert (await ReminderSchedule(channel.services).run_round(QUARTER, "end")).queued == 7
    # the dispatcher looks at 21:00 China time (a day ahead, so the morning is ahead too)
    evening = (datetime.now(CHINA) + timedelta(days=1)).replace(
        hour=21, minute=0, second=0, microsecond=0
    )
    await deliver(channel, evening)
    assert bot_api.sent() == []
    backend = channel.services.backend
    with backend.db.session() as session:
        rows = list(session.execute(select(OutboxMessage)).scalars())
    assert {(row.status, row.attempts) for row in rows} == {("pending", 0)}
    morning = (evening + timedelta(days=1)).replace(hour=9)
    assert {
        row.next_attempt_at.astimezone(CHINA)
        if row.next_attempt_at.tzinfo
        else row.next_attempt_at.replace(tzinfo=UTC).astimezone(CHINA)
        for row in rows
    } == {morning}
    with backend.db.session() as session:  # the morning has come
        session.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    await deliver(channel, morning)
    assert sorted(p["chat_id"] for p in bot_api.sent()) == sorted(users[n] for n in NAMES[:7])


async def test_the_limiter_spaces_messages_to_one_chat_but_not_to_others(
    tg_settings: Settings, bot_api: FakeBotAPI
) -> None:
    from telegram import Bot

    limiter = SendLimiter(private_per_second=5.0, private_burst=1.0)
    from telegram.ext import ExtBot

    bot: Bot = ExtBot(
        tg_settings.telegram_token or "", base_url=bot_api.base_url, rate_limiter=limiter
    )
    async with bot:
        started = time.monotonic()
        for n in range(4):
            await bot.send_message(chat_id=1, text=f"m{n}")
        one_chat = time.monotonic() - started
        started = time.monotonic()
        for chat in range(2, 6):
            await bot.send_message(chat_id=chat, text="m")
        many_chats = time.monotonic() - started
    assert one_chat >= 0.55  # 4 messages at 5/s after a burst of 1: three waits of 0.2 s
    assert many_chats < 0.5
