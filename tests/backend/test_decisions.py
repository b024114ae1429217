"""Decisions as 《最低生活保障审核确认办法》 has them: refusals without 公示 (each with a
reason the applicant is told, with how to ask for a review), 公示 of 7 full days,
objections, approvals with program, amount and start month (and the roster), notes
kept from the applicant, the 口述办 recorder by name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backend.clock import local_day, utcnow
from backend.errors import InvalidInput, InvalidTransition, TooEarly
from backend.models import OutboxMessage
from backend.schemas import TransitionRequest
from backend.service import Backend
from tests.backend.conftest import applicant, approval, backdate_stage, publicise

CLERK = "staff:1 王五"


def apply(backend: Backend, programs: tuple[str, ...] = ("dibao",), **kwargs: object) -> str:
    params: dict[str, object] = {
        "programs": list(programs),
        "applicant": applicant(),
        "channel": "网上办",
        "chat_channel": "rest",
        "chat_sender": "u1",
        "township": "新桥河镇",
        "village": "羊角村",
    }
    params.update(kwargs)
    outcome = backend.create_case("application", **params)  # type: ignore[arg-type]
    assert outcome.case is not None
    return outcome.case.case_no


def told(backend: Backend, case_no: str) -> list[str]:
    """What the applicant's chat was sent about the case, oldest first."""
    with backend.db.session() as session:
        rows = session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.sink.like("resident:%"), OutboxMessage.case_no == case_no)
            .order_by(OutboxMessage.id)
        ).scalars()
        return [row.payload["text"] for row in rows]


def staff_told(backend: Backend, case_no: str) -> list[str]:
    with backend.db.session() as session:
        rows = session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.sink.like("staff:%"), OutboxMessage.case_no == case_no)
            .order_by(OutboxMessage.id)
        ).scalars()
        return [row.payload["text"] for row in rows]


def step(to: str, **fields: object) -> TransitionRequest:
    return TransitionRequest(to=to, **fields)  # type: ignore[arg-type]


# --- refusals without 公示 -----------------------------------------------------------


def test_not_accepted_from_submitted_with_reason_and_how_to_ask_for_a_review(
    backend: Backend,
) -> None:
    no = apply(backend)
    assert "rejected" in backend.case_detail(no).allowed_transitions
    assert backend.case_detail(no).reasons_needed == {"rejected": "不予受理的理由"}
    with pytest.raises(InvalidTransition, match="不予受理的理由"):
        backend.transition(no, step("rejected", note="户籍不在本镇"), actor=CLERK)
    assert told(backend, no) == []  # a refused step tells nobody anything
    refusal = step(
        "rejected",
        reason="户籍和居住地都不在新桥河镇，请向户籍所在地乡镇申请。",
        note="电话核实过，内部记录：申请人在外地打工",
    )
    view = backend.transition(no, refusal, actor=CLERK)
    assert view.status == "rejected"
    [text] = told(backend, no)
    assert "不予受理" in text
    assert "理由：户籍和居住地都不在新桥河镇，请向户籍所在地乡镇申请。" in text  # one stop
    assert "60日内" in text and "复核" in text and "12345" in text and "新桥河镇" in text
    assert "在外地打工" not in text  # the note stays internal
    assert "在外地打工" in staff_told(backend, no)[-1]
    detail = backend.case_detail(no)
    assert detail.decision_reason == refusal.reason
    last = detail.events[-1]
    assert (last.note, last.message) == (refusal.note, text)
    # the claim is released: the person may apply again
    assert apply(backend) != no


@pytest.mark.parametrize("stage", ["investigating", "reviewing"])
def test_refused_after_the_investigation_or_review_without_publicity(
    backend: Backend, stage: str
) -> None:
    no = apply(backend)
    for status in ("accepted", "investigating", "reviewing")[
        : 2 if stage == "investigating" else 3
    ]:
        backend.transition(no, status, "", CLERK)
    with pytest.raises(InvalidTransition, match="不符合条件的理由"):
        backend.transition(no, "rejected", "", CLERK)
    reason = "家庭月人均收入1500元，高于农村低保标准650元"
    backend.transition(no, step("rejected", reason=reason), actor=CLERK)
    text = told(backend, no)[-1]
    assert "不符合条件" in text and f"理由：{reason}。" in text and "复核" in text
    assert [e.to_status for e in backend.case_detail(no).events][-2:] == [stage, "rejected"]


def test_accepted_cases_are_not_refused_before_the_investigation(backend: Backend) -> None:
    no = apply(backend)
    backend.transition(no, "accepted", "", CLERK)
    with pytest.raises(InvalidTransition, match="不能转为 rejected"):
        backend.transition(no, step("rejected", reason="不符合"), actor=CLERK)


# --- 公示 of 7 days, objections -----------------------------------------------------


def test_approval_waits_until_the_seventh_day_of_publicity_has_ended(backend: Backend) -> None:
    no = apply(backend)
    publicise(backend, no)
    today = local_day(utcnow())
    detail = backend.case_detail(no)
    # started today: the day it starts is not counted (民法典 第二百零一条)
    assert detail.publicity_ends == today + timedelta(days=7)
    assert detail.approvable_from == today + timedelta(days=8)
    with pytest.raises(TooEarly) as refused:
        backend.transition(no, step("approved", approval=approval()), actor=CLERK)
    assert refused.value.possible_from == today + timedelta(days=8)
    assert f"{today + timedelta(days=8)}起才能批准" in refused.value.message
    backdate_stage(backend, no, 7)  # the 7th day is today: not ended yet
    with pytest.raises(TooEarly, match=f"{today + timedelta(days=1)}起"):
        backend.transition(no, step("approved", approval=approval()), actor=CLERK)
    backdate_stage(backend, no, 1)  # the 7th day ended yesterday
    assert backend.transition(no, step("approved", approval=approval()), actor=CLERK).status == (
        "approved"
    )


def test_an_objection_sends_the_case_back_to_investigating_with_its_reason(
    backend: Backend,
) -> None:
    no = apply(backend)
    publicise(backend, no)
    with pytest.raises(InvalidTransition, match="公示异议"):
        backend.transition(no, "investigating", "邻居来电", CLERK)
    objection = "有村民反映家中有一辆小货车在跑运输"
    view = backend.transition(
        no, step("investigating", reason=objection, note="来电人：村民李某，电话已记"), actor=CLERK
    )
    assert view.status == "investigating" and view.deadline is not None
    text = told(backend, no)[-1]
    assert "公示期间收到异议" in text and objection in text and "重新入户核实" in text
    assert "李某" not in text  # who objected is internal
    # back through review and a fresh 公示 of its own 7 days
    backend.transition(no, "reviewing", "", CLERK)
    backend.transition(no, "publicizing", "", CLERK)
    with pytest.raises(TooEarly):
        backend.transition(no, step("approved", approval=approval()), actor=CLERK)


def test_an_objection_that_holds_refuses_during_publicity(backend: Backend) -> None:
    no = apply(backend)
    publicise(backend, no)
    reason = "经核实，家庭有一辆营运货车，不符合低保条件"
    backend.transition(no, step("rejected", reason=reason), actor=CLERK)  # no need to wait
    text = told(backend, no)[-1]
    assert "公示期间收到异议" in text and reason in text and "复核" in text


# --- approval: programs, amount, start month; the roster ------------------------------


def test_approval_records_programs_amount_start_month_and_tells_all_three(
    backend: Backend,
) -> None:
    no = apply(backend)
    publicise(backend, no)
    backdate_stage(backend, no, 8)
    with pytest.raises(InvalidInput, match="项目、每月金额和开始发放的月份"):
        backend.transition(no, "approved", "", CLERK)
    month = local_day(utcnow()).replace(day=1)
    start = f"{month:%Y-%m}"
    request = step(
        "approved",
        approval=approval(("dibao",), 1172, start),
        note="按A类保障",
        message="银行卡请到村委会登记。",
    )
    before = told(backend, no)
    preview = backend.preview_transition(no, request, CLERK)
    assert backend.case_detail(no).status == "publicizing"  # a preview changes nothing
    assert told(backend, no) == before and backend.recipient_for_chat("rest", "u1") is None
    view = backend.transition(no, request, actor=CLERK)
    assert view.status == "approved"
    text = told(backend, no)[-1]
    assert text == preview.resident_text
    assert "已批准：最低生活保障" in text or "已批准：低保" in text
    assert "每月1172元" in text and f"从{month.year}年{month.month}月起" in text
    assert "签到" in text and "银行卡请到村委会登记。" in text and "A类" not in text
    detail = backend.case_detail(no)
    assert (detail.approved_programs, detail.monthly_amount, detail.start_month) == (
        ["dibao"],
        1172,
        start,
    )
    # on the roster, bound to the chat it applied from: the check-in needs no binding
    recipient = backend.recipient_for_chat("rest", "u1")
    assert recipient is not None and recipient.programs == ["dibao"]
    assert (recipient.name, recipient.township, recipient.village) == ("张三", "新桥河镇", "羊角村")
    quarter = f"{month.year}Q{(month.month - 1) // 3 + 1}"
    assert backend.record_checkin(recipient, quarter).checkin.recipient_id == recipient.id
    # and a new application for the same program from the chat bound to the roster entry
    # is answered "already receives it" (from anyone else it is a conflict: issue 16)
    again = backend.create_case(
        "application",
        programs=["dibao"],
        applicant=applicant(),
        channel="网上办",
        chat_channel="rest",
        chat_sender="u1",
    )
    assert again.already_recipient


def test_approval_details_are_checked(backend: Backend) -> None:
    no = apply(backend)
    publicise(backend, no)
    backdate_stage(backend, no, 8)

    def approve(**details: object) -> None:
        backend.transition(no, step("approved", approval=approval(**details)), actor=CLERK)  # type: ignore[arg-type]

    with pytest.raises(InvalidInput, match="申请的项目"):
        approve(programs=("medical",))
    with pytest.raises(InvalidInput, match="多输了位数"):
        approve(amount=117200)
    applied = local_day(utcnow()).replace(day=1)
    earlier = applied - timedelta(days=1)
    with pytest.raises(InvalidInput, match="不能早于申请的月份"):
        approve(start=f"{earlier:%Y-%m}")
    with pytest.raises(InvalidInput, match="不能晚于"):
        approve(start=f"{applied.year + 1}-{applied.month:02d}")
    with pytest.raises(ValueError):
        approval(amount=0)
    with pytest.raises(ValueError):
        approval(start="2027-13")
    with pytest.raises(InvalidInput, match="只有批准时"):
        backend.transition(no, step("withdrawn", approval=approval()), actor=CLERK)
    assert backend.case_detail(no).status == "publicizing"
    assert told(backend, no)[-1].count("公示中") == 1  # nothing was sent for the refusals


def test_an_approved_person_already_on_the_roster_gains_the_program(backend: Backend) -> None:
    """The roster's 身份证号 from a chat not bound to it is flagged (issue 16); staff who
    verified the person and approve move the program to the roster entry and bind the
    chat to it, and the applicant reads the approval alone — nothing of the entry."""
    roster = "姓名,身份证号,手机号,项目,乡镇街道,村社区\n张三,430902199001011231,13900139000,特困,新桥河镇,羊角村\n"
    assert backend.import_recipients(roster.encode(), "r.csv").imported == 1
    no = apply(backend, programs=("medical",), village="石井村")
    assert backend.case_detail(no).conflict_with == "名册"
    assert backend.recipient_for_chat("rest", "u1") is None
    publicise(backend, no)
    backdate_stage(backend, no, 8)
    request = step("approved", approval=approval(("medical",), 300))
    preview = backend.preview_transition(no, request, CLERK)
    assert "并入" in preview.staff_text and "名册" in preview.staff_text
    backend.transition(no, request, actor=CLERK)
    recipient = backend.recipient_for_chat("rest", "u1")
    assert recipient is not None and recipient.programs == ["medical", "tekun"]
    # the roster keeps its entry's details; one entry, not a second one for the number
    assert (recipient.name, recipient.phone_masked, recipient.village) == (
        "张三",
        "139****9000",
        "羊角村",
    )
    assert backend.roster.by_id_number("430902199001011231") == recipient
    text = told(backend, no)[-1]
    assert text == preview.resident_text and "医疗救助" in text and "每月300元" in text
    assert all("特困" not in t and "139" not in t and "名册" not in t for t in told(backend, no))
    roster_event = backend.case_detail(no).events[-1]
    assert roster_event.action == "roster" and roster_event.actor == CLERK
    assert roster_event.message == ""  # an audit line, never sent


def test_a_refused_flagged_case_leaves_the_roster_entry_alone(backend: Backend) -> None:
    roster = "姓名,身份证号,手机号,项目,乡镇街道,村社区\n张三,430902199001011231,13900139000,特困,新桥河镇,羊角村\n"
    backend.import_recipients(roster.encode(), "r.csv")
    no = apply(backend, programs=("medical",))
    backend.transition(no, step("rejected", reason="经核实申请人不是本人"), actor=CLERK)
    assert backend.recipient_for_chat("rest", "u1") is None
    entry = backend.roster.by_id_number("430902199001011231")
    assert entry is not None and entry.programs == ["tekun"]


# --- notes and messages --------------------------------------------------------------


def test_a_note_is_never_sent_and_a_message_is_kept_as_sent(backend: Backend) -> None:
    no = apply(backend)
    backend.transition(no, step("accepted", note="材料缺户口本复印件，内部跟进"), actor=CLERK)
    text = told(backend, no)[-1]
    assert "已受理" in text and "户口本" not in text and "工作人员说" not in text
    backend.transition(
        no, step("investigating", message="下周二上午入户，请家里留人。"), actor=CLERK
    )
    assert "工作人员说：下周二上午入户，请家里留人。" in told(backend, no)[-1]
    backend.add_staff_note(no, "邻居说申请人常年在外", CLERK)
    before = told(backend, no)
    shown = backend.preview_message(no, "请带身份证原件。")
    backend.message_resident(no, "请带身份证原件。", CLERK)
    assert told(backend, no) == [*before, shown.resident_text]
    events = backend.case_detail(no).events
    note, message = events[-2], events[-1]
    assert (note.action, note.note, note.message) == ("note", "邻居说申请人常年在外", "")
    assert (message.action, message.note, message.message) == (
        "message",
        "请带身份证原件。",
        shown.resident_text,
    )
    assert all("常年在外" not in t for t in told(backend, no))
    with pytest.raises(InvalidInput):
        backend.add_staff_note(no, "  ", CLERK)


# --- the 口述办 recorder by name ------------------------------------------------------


def test_a_recorded_case_names_its_recorder(backend: Backend) -> None:
    clerk, _ = backend.create_staff("李娟", "caseworker", "新桥河镇")
    no = apply(backend, channel="口述办", recorded_by=clerk.id, chat_channel=None, chat_sender=None)
    detail = backend.case_detail(no)
    assert (detail.recorded_by, detail.recorded_by_name) == (clerk.id, "李娟")
    created = detail.events[0]
    assert created.actor == f"staff:{clerk.id} 李娟" and "录入人：李娟" in created.note
    with pytest.raises(InvalidInput, match="工作人员"):
        apply(backend, recorded_by=9999, applicant=applicant(name="李四"))


def test_dates_of_publicity_follow_the_rule_data(backend: Backend) -> None:
    publicity = backend.rules.publicity
    assert publicity.last_day(date(2026, 11, 23)) == date(2026, 11, 30)
    assert publicity.approvable_from(date(2026, 11, 23)) == date(2026, 12, 1)
    # the stage's deadline is the first day a decision may be made
    due = backend.rules.due_date(
        "application",
        "publicizing",
        "normal",
        stage_day=date(2026, 11, 23),
        accepted_day=date(2026, 11, 2),
    )
    assert due == publicity.approvable_from(date(2026, 11, 23))
