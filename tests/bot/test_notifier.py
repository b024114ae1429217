"""Status changes and staff replies reach the resident's chat, once each."""

from __future__ import annotations

from backend.outbox import Delivery
from base.messages import UserMessage
from base.settings import Settings
from bot.runtime import Runtime


def _open_case(runtime: Runtime, sender: str) -> str:
    outcome = runtime.backend.create_case(
        "handoff", summary="想找人问问", chat_channel="rest", chat_sender=sender
    )
    assert outcome.case is not None
    return outcome.case.case_no


async def _deliver(runtime: Runtime) -> None:
    backend = runtime.backend
    backend.register_sink("resident", runtime.notifier)
    await backend.dispatcher().drain()


async def test_a_staff_reply_is_shown_before_the_next_answer(settings: Settings) -> None:
    runtime = Runtime(settings)
    case_no = _open_case(runtime, "r1")
    runtime.backend.message_resident(case_no, "您好，我是民政办小李，明天上午给您回电话。", "小李")
    await _deliver(runtime)
    replies = await runtime.engine.handle(UserMessage("rest", "r1", "你好"))
    assert "明天上午给您回电话" in replies[0].text
    assert "救助小助手" in replies[-1].text  # the greeting still answers the message
    again = await runtime.engine.handle(UserMessage("rest", "r1", "你好"))
    assert all("明天上午" not in reply.text for reply in again)  # shown once
    await runtime.aclose()


async def test_a_status_change_reaches_the_chat_that_applied(settings: Settings) -> None:
    runtime = Runtime(settings)
    case_no = _open_case(runtime, "r2")
    runtime.backend.transition(case_no, "in_progress", "已安排工作人员", "小李")
    await _deliver(runtime)
    replies = await runtime.engine.handle(UserMessage("rest", "r2", "谢谢"))
    assert case_no in replies[0].text
    await runtime.aclose()


async def test_a_retried_delivery_is_not_shown_twice(settings: Settings) -> None:
    runtime = Runtime(settings)
    delivery = Delivery(
        id=1,
        key="JZ20261126-0001:message:7",
        sink="resident",
        case_no="JZ20261126-0001",
        payload={"chat_channel": "rest", "sender": "r3", "text": "工作人员的回复"},
        attempt=1,
    )
    await runtime.notifier(delivery)
    await runtime.notifier(delivery)  # at-least-once: the outbox may deliver again
    replies = await runtime.engine.handle(UserMessage("rest", "r3", "你好"))
    assert sum("工作人员的回复" in reply.text for reply in replies) == 1


async def test_a_pushing_channel_gets_the_message_at_once(settings: Settings) -> None:
    runtime = Runtime(settings)
    pushed: list[tuple[str, str]] = []

    async def push(sender: str, text: str) -> None:
        pushed.append((sender, text))

    runtime.notifier.register_pusher("telegram", push)
    outcome = runtime.backend.create_case(
        "handoff", summary="求助", chat_channel="telegram", chat_sender="4242"
    )
    assert outcome.case is not None
    runtime.backend.message_resident(outcome.case.case_no, "马上联系您", "小李")
    await _deliver(runtime)
    assert pushed == [("4242", pushed[0][1])] and "马上联系您" in pushed[0][1]
    await runtime.aclose()
