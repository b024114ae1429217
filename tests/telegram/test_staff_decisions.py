"""The decision rules from the Telegram staff group (against the Bot API double): a
refusal and an approval are previewed as the applicant will read them and sent only on
确认发送; 公示 refuses an early approval with its date; an objection; internal notes
never reach the resident; the resident's chat gets exactly the previewed text.

SQLite only (the rules are the backend's, tested on both databases there): the group's
send limit spaces the bot's group messages 3 s apart, so each test takes a while."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from backend.clock import local_day, utcnow
from base.settings import Settings
from bot.runtime import Runtime
from channels.telegram.bot import TelegramChannel
from channels.telegram.staff import COMMAND_LINE
from tests.backend.conftest import backdate_stage, publicise
from tests.telegram.conftest import STAFF_CHAT, connected
from tests.telegram.fake_bot_api import FakeBotAPI, callback_update, group_message_update
from tests.telegram.test_staff import (
    CLERK,
    OUTSIDER,
    RESIDENT,
    STRANGER,
    alerts,
    bind,
    deliver,
    feed,
    open_case,
)

ID = "430902199001011231"


@pytest.fixture
async def channel(tg_settings: Settings) -> AsyncIterator[TelegramChannel]:
    runtime = Runtime(tg_settings)
    channel = connected(runtime)
    async with channel.application:
        yield channel
    await runtime.aclose()


def application(channel: TelegramChannel) -> str:
    return open_case(
        channel,
        kind="application",
        programs=["dibao"],
        applicant={"name": "张三", "id_number": ID, "phone": "13800138000"},
    )


async def say(channel: TelegramChannel, user_id: int, text: str) -> None:
    await feed(channel, group_message_update(user_id, STAFF_CHAT, text))


def last_to_group(bot_api: FakeBotAPI) -> dict[str, Any]:
    return bot_api.messages_to(STAFF_CHAT)[-1]


def resident_texts(bot_api: FakeBotAPI) -> list[str]:
    return [m["text"] for m in bot_api.messages_to(RESIDENT)]


def told_in(preview: dict[str, Any]) -> str:
    """The applicant's text quoted in a preview: between its first line and the notes."""
    lines = preview["text"].split("\n\n")
    return lines[1]


async def test_a_refusal_is_previewed_and_sent_only_on_confirm(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    await bind(channel, CLERK, "李娟", "长春镇")
    case_no = application(channel)
    await deliver(channel)
    before = len(resident_texts(bot_api))

    await say(channel, STRANGER, f"/reject {case_no} 户籍不在本镇")
    assert "绑定" in last_to_group(bot_api)["text"]
    await say(channel, CLERK, f"/reject {case_no}")
    assert "不予受理的理由" in last_to_group(bot_api)["text"]

    await say(channel, CLERK, f"/reject {case_no} 户籍不在长春镇，请到户籍所在地乡镇申请")
    preview = last_to_group(bot_api)
    quoted = told_in(preview)
    assert "不予受理" in quoted and "户籍不在长春镇" in quoted and "复核" in quoted
    assert preview["text"].splitlines()[-1].startswith(COMMAND_LINE)
    buttons = [
        b["callback_data"] for row in preview["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert buttons == [f"staff:ok:{case_no}", f"staff:no:{case_no}"]
    assert backend.find_case(case_no).status == "submitted"  # type: ignore[union-attr]

    # 取消 drops it; 确认发送 on a fresh preview does it, in the presser's name
    await feed(channel, callback_update(CLERK, f"staff:no:{case_no}", preview))
    assert "已取消" in alerts(bot_api)[-1]
    assert backend.find_case(case_no).status == "submitted"  # type: ignore[union-attr]
    await feed(channel, callback_update(CLERK, f"staff:ok:{case_no}", preview))
    assert "已转为「未获批准」" in alerts(bot_api)[-1]
    detail = backend.case_detail(case_no)
    assert detail.status == "rejected" and "李娟" in detail.events[-1].actor
    await deliver(channel)
    assert resident_texts(bot_api)[before:] == [quoted]
    # the same button again cannot refuse twice
    await feed(channel, callback_update(CLERK, f"staff:ok:{case_no}", preview))
    assert "不能转为 rejected" in alerts(bot_api)[-1]


async def test_approval_waits_for_publicity_and_tells_programs_amount_and_month(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    await bind(channel, CLERK, "李娟", "长春镇")
    case_no = application(channel)
    publicise(backend, case_no)
    month = local_day(utcnow())
    command = f"/approve {case_no} 低保 1172 {month:%Y-%m}"
    await say(channel, CLERK, command)
    possible = month + timedelta(days=8)
    assert f"{possible.isoformat()}起才能批准" in last_to_group(bot_api)["text"]
    backdate_stage(backend, case_no, 8)
    await say(channel, CLERK, f"/approve {case_no} 低保 一千 {month:%Y-%m}")
    assert "/approve 案件号 项目 每月金额 开始月份" in last_to_group(bot_api)["text"]
    await say(channel, CLERK, command)
    preview = last_to_group(bot_api)
    quoted = told_in(preview)
    assert "每月1172元" in quoted and f"从{month.year}年{month.month}月起" in quoted
    await deliver(channel)
    before = len(resident_texts(bot_api))
    await feed(channel, callback_update(CLERK, f"staff:ok:{case_no}", preview))
    assert backend.find_case(case_no).status == "approved"  # type: ignore[union-attr]
    await deliver(channel)
    assert resident_texts(bot_api)[before:] == [quoted]
    recipient = backend.recipient_for_chat("telegram", str(RESIDENT))
    assert recipient is not None and recipient.programs == ["dibao"]


async def test_an_objection_and_notes_and_messages(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    backend = channel.services.backend
    await bind(channel, CLERK, "李娟", "长春镇")
    await bind(channel, OUTSIDER, "王强", "新桥河镇")
    case_no = application(channel)
    publicise(backend, case_no)
    await deliver(channel)
    before = len(resident_texts(bot_api))

    await say(channel, CLERK, f"/note {case_no} 来电村民李某反映其家有货车")
    assert "内部备注" in last_to_group(bot_api)["text"]
    await say(channel, OUTSIDER, f"/note {case_no} 不是我的辖区")
    assert "辖区" in last_to_group(bot_api)["text"]
    await say(channel, CLERK, f"/objection {case_no} 有村民反映家中有一辆货车")
    preview = last_to_group(bot_api)
    assert "公示期间收到异议" in told_in(preview) and "李某" not in told_in(preview)
    await feed(channel, callback_update(CLERK, f"staff:ok:{case_no}", preview))
    assert backend.find_case(case_no).status == "investigating"  # type: ignore[union-attr]

    await say(channel, CLERK, f"/msg {case_no} 下周二上午入户，请家里留人")
    message = last_to_group(bot_api)
    assert told_in(message) == f"工作人员回复（{case_no}）：下周二上午入户，请家里留人"
    await feed(channel, callback_update(CLERK, f"staff:ok:{case_no}", message))
    await deliver(channel)
    sent = resident_texts(bot_api)[before:]
    assert len(sent) == 2 and sent[1] == told_in(message)
    assert all("李某" not in text and "货车" not in text.split("异议")[0] for text in sent)
    events = backend.case_detail(case_no).events
    assert [e.action for e in events][-3:] == ["note", "transition", "message"]

    # the 查看 detail offers the plain steps as buttons and names the commands
    await feed(channel, callback_update(CLERK, f"staff:view:{case_no}", message))
    detail = bot_api.messages_to(CLERK)[-1]
    assert "/reject" in detail["text"] and "/note" in detail["text"]
    steps = [b["callback_data"] for row in detail["reply_markup"]["inline_keyboard"] for b in row]
    assert steps == [f"staff:to-reviewing:{case_no}"]
    await feed(channel, callback_update(CLERK, steps[0], detail))
    step = bot_api.messages_to(CLERK)[-1]
    assert "审核确认中" in told_in(step)
    await feed(channel, callback_update(CLERK, f"staff:ok:{case_no}", step))
    assert backend.find_case(case_no).status == "reviewing"  # type: ignore[union-attr]


async def test_a_refusal_after_the_home_visit_and_one_during_publicity(
    channel: TelegramChannel, bot_api: FakeBotAPI
) -> None:
    """/reject from 入户核实 (不符合条件, no 公示 needed) and from 公示 (an objection that
    holds): each asks for its reason, is previewed with how to ask for 复核, and sent."""
    backend = channel.services.backend
    await bind(channel, CLERK, "李娟", "长春镇")
    visited = application(channel)
    for status in ("accepted", "investigating"):
        backend.transition(visited, status, "", "staff:1 王五")
    await say(channel, CLERK, f"/reject {visited}")
    assert "不符合条件的理由" in last_to_group(bot_api)["text"]
    await say(channel, CLERK, f"/reject {visited} 家庭月人均收入1500元，高于低保标准")
    preview = last_to_group(bot_api)
    quoted = told_in(preview)
    assert "不符合条件，未获批准" in quoted and "1500元" in quoted and "复核" in quoted
    await feed(channel, callback_update(CLERK, f"staff:ok:{visited}", preview))
    assert backend.find_case(visited).status == "rejected"  # type: ignore[union-attr]
    await deliver(channel)
    assert resident_texts(bot_api)[-1] == quoted

    publicised = open_case(
        channel,
        kind="application",
        programs=["medical"],
        applicant={"name": "张三", "id_number": ID, "phone": "13800138000"},
    )
    publicise(backend, publicised)
    await say(channel, CLERK, f"/reject {publicised} 经核实家庭有一辆营运货车")
    preview = last_to_group(bot_api)
    quoted = told_in(preview)
    assert "公示期间收到异议" in quoted and "营运货车" in quoted and "复核" in quoted
    await feed(channel, callback_update(CLERK, f"staff:ok:{publicised}", preview))
    assert backend.find_case(publicised).status == "rejected"  # type: ignore[union-attr]
    await deliver(channel)
    assert resident_texts(bot_api)[-1] == quoted
