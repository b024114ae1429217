"""Status changes and staff replies for chats that cannot be pushed to (REST, terminal,
web) wait in the database and are shown before the next answer — once each, even when
the turn crashes, two messages arrive together, or the process restarts."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from sqlalchemy import select

from backend.models import OutboxMessage
from base.messages import BotReply, UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from flows.base import Flow, TurnContext


def _open_case(runtime: Runtime, sender: str, channel: str = "rest") -> str:
    outcome = runtime.backend.create_case(
        "handoff", summary="想找人问问", chat_channel=channel, chat_sender=sender
    )
    assert outcome.case is not None
    return outcome.case.case_no


def _inbox_states(runtime: Runtime) -> list[str]:
    with runtime.backend.db.session() as session:
        query = select(OutboxMessage.status).where(OutboxMessage.sink == "resident:inbox")
        return list(session.execute(query).scalars())


async def _say(runtime: Runtime, sender: str, text: str, channel: str = "rest") -> list[str]:
    return [reply.text for reply in await runtime.engine.handle(UserMessage(channel, sender, text))]


async def test_a_staff_reply_is_shown_before_the_next_answer_once(settings: Settings) -> None:
    runtime = Runtime(settings)
    case_no = _open_case(runtime, "r1")
    runtime.backend.message_resident(case_no, "您好，我是民政办小李，明天上午给您回电话。", "小李")
    assert _inbox_states(runtime) == ["pending"]  # no dispatcher is involved
    replies = await _say(runtime, "r1", "你好")
    assert "明天上午给您回电话" in replies[0]
    assert "救助小助手" in replies[-1]  # the greeting still answers the message
    assert _inbox_states(runtime) == ["delivered"]
    again = await _say(runtime, "r1", "你好")
    assert all("明天上午" not in reply for reply in again)  # shown once
    assert all("明天上午" not in r for r in await _say(runtime, "r2", "你好"))  # only to r1
    await runtime.aclose()


async def test_a_status_change_reaches_the_terminal_chat_that_applied(settings: Settings) -> None:
    runtime = Runtime(settings)
    case_no = _open_case(runtime, "cli-user", channel="cli")
    runtime.backend.transition(case_no, "in_progress", "已安排工作人员", "小李")
    replies = await _say(runtime, "cli-user", "谢谢", channel="cli")
    assert case_no in replies[0] and "处理中" in replies[0]
    # The staff note is internal (issue 17): never sent word for word.
    assert "已安排工作人员" not in replies[0]
    await runtime.aclose()


async def test_a_waiting_message_survives_a_restart(settings: Settings) -> None:
    first = Runtime(settings)
    case_no = _open_case(first, "r3")
    first.backend.message_resident(case_no, "请周一带户口本来", "小李")
    await first.aclose()  # nothing of it was in this process
    second = Runtime(settings)
    assert "请周一带户口本来" in (await _say(second, "r3", "你好"))[0]
    await second.aclose()


class Crash(Flow):
    name: ClassVar[str] = "crash"
    intents: ClassVar[tuple[str, ...]] = ("greet",)

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        raise RuntimeError("a bug in a flow")


async def test_a_crashed_turn_keeps_the_message_for_the_next_one(settings: Settings) -> None:
    crashing = Runtime(settings, flows=[Crash()])
    case_no = _open_case(crashing, "r4")
    crashing.backend.message_resident(case_no, "材料已收到", "小李")
    replies = await _say(crashing, "r4", "你好")
    assert replies == [crashing.engine.texts("core.error")]  # the polite error, nothing else
    assert _inbox_states(crashing) == ["pending"]
    await crashing.aclose()
    working = Runtime(settings)
    assert "材料已收到" in (await _say(working, "r4", "你好"))[0]
    await working.aclose()


async def test_two_messages_at_once_show_it_once(settings: Settings) -> None:
    runtime = Runtime(settings)
    case_no = _open_case(runtime, "r5")
    runtime.backend.message_resident(case_no, "请明天来领表", "小李")
    both = await asyncio.gather(_say(runtime, "r5", "你好"), _say(runtime, "r5", "在吗"))
    assert sum("请明天来领表" in text for replies in both for text in replies) == 1
    await runtime.aclose()


async def test_a_message_kept_in_an_old_session_is_shown_once(settings: Settings) -> None:
    runtime = Runtime(settings)
    async with runtime.store.transaction("rest", "r6") as session:
        session.slots["_inbox"] = ["旧版本留下的消息"]  # how it was kept before 0005
    assert (await _say(runtime, "r6", "你好"))[0] == "旧版本留下的消息"
    assert all("旧版本" not in text for text in await _say(runtime, "r6", "你好"))
    await runtime.aclose()


async def test_telegram_chats_have_no_inbox(settings: Settings) -> None:
    runtime = Runtime(settings)
    case_no = _open_case(runtime, "4242", channel="telegram")
    runtime.backend.message_resident(case_no, "马上联系您", "小李")
    replies = await _say(runtime, "4242", "你好", channel="telegram")
    assert all("马上联系您" not in text for text in replies)  # it is pushed, not waiting
    with runtime.backend.db.session() as session:
        row = session.execute(
            select(OutboxMessage).where(OutboxMessage.key.like(f"{case_no}:message:%"))  # type: ignore[attr-defined]
        ).scalar_one()
    assert (row.sink, row.status) == ("resident:telegram", "pending")
    await runtime.aclose()
