"""What the resident-side flows leave for staff, beyond what the conversations check:
the urgent note and its notification, masked hand-off history, a staff reply reaching
the chat, confidential tip-offs, and no 身份证号 left in the session after binding."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from backend.models import OutboxMessage
from base.messages import UserMessage
from base.settings import Settings
from bot.runtime import Runtime

ID = "430902195001011233"
PHONE = "13800000000"


class Chat:
    def __init__(self, runtime: Runtime, sender: str = "u1") -> None:
        self.runtime, self.sender = runtime, sender

    async def __call__(self, text: str) -> str:
        replies = await self.runtime.engine.handle(UserMessage("rest", self.sender, text))
        return "\n".join(reply.text for reply in replies)

    def newest_case(self) -> str:
        return self.runtime.backend.cases_for_sender("rest", self.sender)[0].case_no

    def staff_texts(self) -> list[str]:
        with self.runtime.backend.db.session() as session:
            rows = session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.sink == "staff:log")  # no staff channel configured
                .order_by(OutboxMessage.id)
            ).scalars()
            return [row.payload["text"] for row in rows]


@pytest.fixture
async def chat(settings: Settings) -> AsyncIterator[Chat]:
    runtime = Runtime(settings)
    yield Chat(runtime)
    await runtime.aclose()


async def test_the_urgent_note_reaches_staff_with_a_phone_they_can_call(chat: Chat) -> None:
    await chat("/urgent_help")
    case_no = chat.newest_case()
    assert any(text.startswith("【急】") and case_no in text for text in chat.staff_texts())
    await chat("二港村村口")
    await chat("房子塌了一半，没地方住")
    assert "138****0000" in await chat(PHONE)
    detail = chat.runtime.backend.case_detail(case_no)
    assert chat.runtime.backend.cases.phone_of(case_no) == PHONE  # staff call this number
    assert detail.phone is None  # shown whole only when revealed (audited)
    assert PHONE not in detail.summary  # lists and notifications show it masked
    assert (detail.township, detail.village) == ("长春镇", "二港村")
    notes = [event.note for event in detail.events if event.action == "resident_note"]
    assert notes == ["地点：二港村村口；情况：房子塌了一半，没地方住；电话：138****0000"]
    extra = chat.staff_texts()[-1]
    assert extra.startswith(f"【急·补充】{case_no}") and PHONE not in extra


async def test_hand_off_history_is_masked_and_a_staff_reply_reaches_the_chat(chat: Chat) -> None:
    await chat("/checkin")
    await chat("张三")
    await chat(ID)  # not on any roster here: the form goes on to the phone
    await chat(f"我的电话是{PHONE}")
    assert "转给工作人员" in await chat("转人工")
    case_no = chat.newest_case()
    detail = chat.runtime.backend.case_detail(case_no)
    assert detail.kind == "handoff"
    assert "居民：张三" in detail.summary
    assert ID not in detail.summary and PHONE not in detail.summary

    chat.runtime.backend.message_resident(
        case_no, "您好，我是民政办小李，请问哪里不明白？", "staff:1"
    )
    # it waits in the database (a REST chat cannot be pushed to) for the next message
    assert "民政办小李" in await chat("你好")


async def test_a_tip_off_keeps_the_reporter_out_of_what_staff_lists_show(chat: Chat) -> None:
    await chat("我要举报有人冒领低保")
    await chat("二港村李某家开着小轿车还领低保")
    await chat("13900000000")
    await chat("确认无误")
    case_no = chat.newest_case()
    detail = chat.runtime.backend.case_detail(case_no)
    assert detail.summary.startswith("【举报】（举报人信息保密）")
    assert chat.runtime.backend.cases.phone_of(case_no) == "13900000000"  # staff only
    assert all("1390000" not in text for text in chat.staff_texts())


async def test_binding_leaves_no_id_number_in_the_session(chat: Chat) -> None:
    roster = io.StringIO()
    csv.writer(roster).writerows(
        [
            ["姓名", "身份证号", "手机号", "项目", "乡镇街道", "村社区"],
            ["张三", ID, PHONE, "低保", "长春镇", "二港村"],
        ]
    )
    chat.runtime.backend.import_recipients(roster.getvalue().encode(), "r.csv")
    await chat("/checkin")
    await chat("张三")
    await chat(ID)
    assert "身份核实成功" in await chat(PHONE)
    session = await chat.runtime.store.get("rest", chat.sender)
    assert session is not None
    stored = session.model_dump_json()
    assert ID not in stored and PHONE not in stored
    assert chat.runtime.backend.recipient_for_chat("rest", chat.sender) is not None
