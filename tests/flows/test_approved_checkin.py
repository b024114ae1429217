"""An approved household's first quarterly check-in: the approval put it on the roster,
bound to the chat it applied from, so "签到" starts the questions at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend.clock import current_quarter, local_day, utcnow
from backend.schemas import Approval, TransitionRequest
from base.settings import Settings
from bot.runtime import Runtime
from tests.backend.conftest import backdate_stage, publicise
from tests.flows.test_cases_from_chat import Chat

APPLY = [
    "我想申请低保",
    "我叫王建国",
    "430902195801011231",
    "13807371234",
    "金华坪社区",
    "2",
    "68 65",
    "5",
    "1200",
    "同意",
    "同意",
    "确认无误",
]


@pytest.fixture
async def chat(settings: Settings) -> AsyncIterator[Chat]:
    runtime = Runtime(settings)
    yield Chat(runtime)
    await runtime.aclose()


async def test_the_first_checkin_after_approval_needs_no_binding(chat: Chat) -> None:
    for turn in APPLY:
        reply = await chat(turn)
    assert "案件编号" in reply
    backend = chat.runtime.backend
    case_no = chat.newest_case()
    # before the approval this chat is not on the roster: 签到 asks who it is
    assert "核实一次您的身份" in await chat("签到")
    await chat("取消")
    publicise(backend, case_no)
    backdate_stage(backend, case_no, 8)
    month = f"{local_day(utcnow()):%Y-%m}"
    backend.transition(
        case_no,
        TransitionRequest(
            to="approved",
            approval=Approval(programs=["dibao"], monthly_amount=1172, start_month=month),
        ),
        actor="staff:1 王五",
    )
    first = await chat("签到")
    # the waiting notifications come first (this chat has an inbox), the approval among them
    assert "已批准" in first and "每月1172元" in first
    assert "核实一次您的身份" not in first and "王建国您好" in first and "1/4" in first
    for _ in range(4):
        reply = await chat("1")
    assert "签到成功" in reply
    recipient = backend.recipient_for_chat("rest", chat.sender)
    assert recipient is not None and backend.checkin_done(recipient, current_quarter())
