"""The hand-off conversation: the resident's messages to the case (masked, staff told at
once), staff answers back to the chat, the region rule, and when a person answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.clock import CHINA
from backend.service import Backend
from services.access import NotAllowed
from services.container import Services
from tests.services.conftest import OTHER_TOWNSHIP, TOWNSHIP, staff_rows


def _handoff(services: Services, sender: str = "h1", township: str = "") -> str:
    opened = services.chat_cases.handoff(
        chat_channel="rest", sender=sender, summary="居民要求转人工"
    )
    if township:
        with services.backend.db.session() as session:
            case = services.backend.cases.get(session, opened.case.case_no)
            case.township = township
            session.add(case)
    return opened.case.case_no


def test_what_the_resident_writes_is_kept_masked_and_told_to_staff(
    services: Services, backend: Backend
) -> None:
    case_no = _handoff(services)
    services.handoffs.say(case_no, "我的身份证是430902195001011233，想问低保")
    alert = staff_rows(backend)[-1].payload
    assert alert["event"] == "resident_message" and case_no in alert["text"]
    assert "430902195001011233" not in alert["text"] and "4309**********1233" in alert["text"]
    admin, _ = backend.create_staff("孙管理", "admin")
    services.handoffs.reply(admin, case_no, "您好，可以直接在这里申请。")
    lines = services.handoffs.conversation(admin, case_no)
    assert [(line.by_resident, line.note[:5]) for line in lines] == [
        (True, "我的身份证"),
        (False, "您好，可以"),
    ]
    assert "430902195001011233" not in lines[0].note
    assert services.handoffs.conversation(admin, case_no, after_id=lines[0].id) == lines[1:]
    waiting = backend.take_inbox("rest", "h1", {case_no})  # the chat talks in the case
    assert len(waiting) == 1 and "可以直接在这里申请" in waiting[0]


def test_a_caseworker_of_another_township_cannot_read_or_answer(
    services: Services, backend: Backend
) -> None:
    case_no = _handoff(services, township=TOWNSHIP)
    mine, _ = backend.create_staff("李经办", "caseworker", TOWNSHIP)
    other, _ = backend.create_staff("王经办", "caseworker", OTHER_TOWNSHIP)
    assert services.handoffs.conversation(mine, case_no) == []
    with pytest.raises(NotAllowed):
        services.handoffs.conversation(other, case_no)
    with pytest.raises(NotAllowed):
        services.handoffs.reply(other, case_no, "你好")


def test_a_closed_hand_off_is_no_longer_open(services: Services, backend: Backend) -> None:
    case_no = _handoff(services)
    assert services.handoffs.still_open(case_no) is not None
    backend.transition(case_no, "closed", "", "test")
    assert services.handoffs.still_open(case_no) is None


def test_an_answer_in_a_chat_needs_a_staff_member_and_a_case_number(
    services: Services, backend: Backend
) -> None:
    case_no = _handoff(services)
    _, token = backend.create_staff("孙管理", "admin")
    backend.bind_staff_chat(token, "telegram", "900")
    assert services.handoffs.reply_from_chat("telegram", "901", case_no, "你好") == (None, None)
    staff, found = services.handoffs.reply_from_chat("telegram", "900", "没有编号", "你好")
    assert staff is not None and found is None
    staff, found = services.handoffs.reply_from_chat(
        "telegram", "900", f"【转人工·居民留言】{case_no}：想问低保", "您好"
    )
    assert found == case_no
    assert [line.note for line in services.handoffs.conversation(staff, case_no)] == ["您好"]


@pytest.mark.parametrize(
    ("local", "now", "opens"),
    [
        ("2026-12-02 10:00", True, "2026-12-02 10:00"),  # a Wednesday, office hours
        ("2026-12-02 08:00", False, "2026-12-02 08:30"),  # before opening
        ("2026-12-02 17:30", False, "2026-12-03 08:30"),  # closing time
        ("2026-12-04 18:00", False, "2026-12-07 08:30"),  # Friday evening → Monday
        ("2026-12-05 10:00", False, "2026-12-07 08:30"),  # Saturday
        ("2026-10-01 10:00", False, "2026-10-08 08:30"),  # 国庆 holidays
        ("2026-10-10 09:00", True, "2026-10-10 09:00"),  # a make-up working Saturday
    ],
)
def test_when_a_person_answers(services: Services, local: str, now: bool, opens: str) -> None:
    moment = datetime.fromisoformat(local).replace(tzinfo=CHINA).astimezone(UTC)
    found = services.handoffs.availability(moment)
    assert found.now is now
    assert found.next_open.strftime("%Y-%m-%d %H:%M") == opens


def test_the_township_named_in_the_conversation_lets_its_caseworker_answer(
    services: Services, backend: Backend
) -> None:
    """probeI W5: "我是长春镇二港村的" to staff — the case takes that township, so its
    caseworker lists it and answers (no 403); a named place never moves a case."""
    case_no = _handoff(services, sender="h5")
    mine, _ = backend.create_staff("李干事", "caseworker", "长春镇")
    with pytest.raises(NotAllowed):
        services.handoffs.reply(mine, case_no, "你好")
    services.handoffs.say(case_no, "我是长春镇二港村的 想问低保")
    services.handoffs.set_place(case_no, "我是长春镇二港村的 想问低保")
    assert backend.find_case(case_no).township == "长春镇"
    listed = backend.list_cases(kind="handoff", township="长春镇")
    assert [case.case_no for case in listed] == [case_no]
    services.handoffs.reply(mine, case_no, "您好，我是李干事")
    services.handoffs.set_place(case_no, "我女儿在新桥河镇")
    assert backend.find_case(case_no).township == "长春镇"


def test_danger_in_the_conversation_marks_the_case_itself(
    services: Services, backend: Backend
) -> None:
    """probeI H2: the message is in the conversation staff read, the case is marked
    danger to life, staff are told so — no second case."""
    case_no = _handoff(services, sender="h6")
    said = "我娘天天念叨不如死了算了"
    services.handoffs.say(case_no, said)
    services.handoffs.flag_life(case_no, said)
    assert backend.find_case(case_no).priority == "life"
    admin, _ = backend.create_staff("孙管理", "admin")
    lines = services.handoffs.conversation(admin, case_no)
    assert [line.note for line in lines] == [said]
    assert "可能危及生命" in staff_rows(backend)[-1].payload["text"]
    assert len(backend.cases_for_sender("rest", "h6")) == 1


def test_an_urgent_case_shows_the_residents_answers_after_staff_wrote(
    services: Services, backend: Backend
) -> None:
    """probeI W27: on an urgent case, what the resident added after a staff message
    ("俺在新桥河镇 枫树村 你来吧") is in the conversation staff read; the account
    before it stays the case's account, not a reply."""
    opened = services.chat_cases.urgent(
        chat_channel="rest", sender="u27", summary="紧急求助：活着没意思", life=True
    )
    case_no = opened.case.case_no
    services.chat_cases.add_note(case_no, "地点：不说", staff_text="补充")
    admin, _ = backend.create_staff("孙管理", "admin")
    services.handoffs.reply(admin, case_no, "您在哪个村？我明天一早过去看看您")
    services.chat_cases.add_note(case_no, "居民补充：俺在新桥河镇 枫树村 你来吧", staff_text="补充")
    lines = services.handoffs.conversation(admin, case_no)
    assert [(line.by_resident, line.note[:6]) for line in lines] == [
        (False, "您在哪个村？"),
        (True, "居民补充：俺"),
    ]
    assert services.handoffs.conversation(admin, case_no, after_id=lines[0].id) == lines[1:]
    services.handoffs.resident_reply(case_no, "好的 我在家等你")
    assert services.handoffs.conversation(admin, case_no)[-1].note == "好的 我在家等你"
