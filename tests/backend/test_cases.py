"""Case service: numbering, de-duplication, workflow, deadlines, audit, personal data."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text

from backend.clock import local_day, utcnow
from backend.errors import InvalidInput, InvalidTransition
from backend.models import Case, CaseEvent, OutboxMessage, Resident
from backend.schemas import TransitionRequest
from backend.service import Backend
from tests.backend.conftest import applicant, approval, backdate_stage, valid_id

CASE_NO = re.compile(r"^JZ\d{8}-\d{4,}$")


def apply(backend: Backend, program: str = "dibao", **kwargs: object):
    params: dict[str, object] = {
        "programs": [program],
        "applicant": applicant(),
        "channel": "网上办",
        "chat_channel": "rest",
        "chat_sender": "u1",
        "township": "新桥河镇",
        "village": "羊角村",
    }
    params.update(kwargs)
    return backend.create_case("application", **params)  # type: ignore[arg-type]


def test_case_numbers_follow_the_contract_and_count_up(backend: Backend) -> None:
    today = local_day(utcnow())
    numbers = [
        apply(backend, applicant=applicant(valid_id(f"43090219900101{i:03d}"))).case.case_no
        for i in range(3)
    ]
    assert all(CASE_NO.match(n) for n in numbers)
    assert numbers == [f"JZ{today:%Y%m%d}-{i:04d}" for i in (1, 2, 3)]


def test_same_person_same_program_returns_the_open_case(backend: Backend) -> None:
    first = apply(backend)
    again = apply(backend)  # the same chat account: the open case
    assert first.created and not first.duplicate
    assert again.duplicate and not again.created
    assert again.case.case_no == first.case.case_no
    other = apply(backend, program="medical")
    assert other.created and other.case.case_no != first.case.case_no
    # once the first is withdrawn, the person may apply again
    backend.transition(first.case.case_no, "withdrawn", "申请人撤回", "resident")
    fresh = apply(backend)
    assert fresh.created and fresh.case.case_no not in {first.case.case_no, other.case.case_no}


def test_parallel_duplicates_open_one_case(backend: Backend) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: apply(backend), range(8)))
    assert sum(o.created for o in outcomes) == 1
    assert len({o.case.case_no for o in outcomes}) == 1


def test_fifty_parallel_creations_get_fifty_numbers(backend: Backend) -> None:
    ids = [valid_id(f"43090219800101{i:03d}") for i in range(50)]
    with ThreadPoolExecutor(max_workers=25) as pool:
        outcomes = list(pool.map(lambda i: apply(backend, applicant=applicant(i)), ids))
    numbers = {o.case.case_no for o in outcomes}
    assert len(numbers) == 50
    assert all(o.created for o in outcomes)
    sequences = sorted(int(n.split("-")[1]) for n in numbers)
    assert sequences == list(range(1, 51))


def test_already_a_recipient_is_said_so(backend: Backend) -> None:
    roster = "姓名,身份证号,手机号,项目,乡镇街道,村社区\n张三,430902199001011231,13800138000,低保,新桥河镇,羊角村\n"
    assert backend.import_recipients(roster.encode(), "r.csv").imported == 1
    # said only to the chat account bound to the roster entry (see test_identity.py)
    assert backend.bind_recipient("rest", "u1", "张三", "430902199001011231", "13800138000")
    outcome = apply(backend)
    assert outcome.already_recipient and outcome.case is None and not outcome.created
    assert outcome.already_recipient_programs == ["dibao"]
    both = apply(backend, programs=["dibao", "medical"])
    assert both.created and both.case.programs == ["medical"]
    assert both.already_recipient_programs == ["dibao"]


def test_applications_need_a_valid_id_but_urgent_requests_do_not(backend: Backend) -> None:
    with pytest.raises(InvalidInput, match="身份证号"):
        apply(backend, applicant={"name": "张三"})
    with pytest.raises(InvalidInput, match="校验位"):
        apply(backend, applicant=applicant("430902199001011234"))
    with pytest.raises(InvalidInput, match="办理渠道"):
        apply(backend, channel="微信办")
    urgent = backend.create_case(
        "urgent",
        channel="掌上办",
        priority="urgent",
        summary="家里失火，今晚没有地方住",
        chat_channel="telegram",
        chat_sender="77",
        township="新桥河镇",
    )
    assert urgent.created and urgent.case.status == "open"
    assert urgent.case.deadline == backend.rules.calendar.add_working_days(local_day(utcnow()), 0)
    assert "当天" in urgent.case.next_step


def test_transitions_follow_the_workflow_only(backend: Backend) -> None:
    no = apply(backend).case.case_no
    with pytest.raises(InvalidTransition, match="不能转为 approved"):
        backend.transition(no, "approved", "", "staff:1")
    path = ["accepted", "investigating", "reviewing", "publicizing", "approved"]
    for status in path[:-1]:
        assert backend.transition(no, status, f"到{status}", "staff:1 王五").status == status
    backdate_stage(backend, no, 8)
    approve = TransitionRequest(to="approved", note="到approved", approval=approval())
    assert backend.transition(no, approve, actor="staff:1 王五").status == "approved"
    with pytest.raises(InvalidTransition):
        backend.transition(no, "withdrawn", "", "resident")
    with pytest.raises(InvalidTransition, match="不能转为"):
        backend.transition(no, "reviewing", "", "staff:1")
    detail = backend.case_detail(no)
    moves = [(e.from_status, e.to_status, e.actor, e.note) for e in detail.events]
    assert moves[0] == (None, "submitted", "resident", "网上办")
    assert moves[1:] == [
        (before, after, "staff:1 王五", f"到{after}")
        for before, after in zip(["submitted", *path[:-1]], path, strict=True)
    ]
    assert detail.allowed_transitions == []


def test_rejection_needs_reasons_and_other_kinds_have_their_own_workflow(backend: Backend) -> None:
    no = apply(backend).case.case_no
    for status in ["accepted", "investigating"]:
        backend.transition(no, status, "", "staff:1")
    with pytest.raises(InvalidTransition, match="理由"):
        backend.transition(no, "rejected", "家庭收入超过标准（只是内部备注）", "staff:1")
    refuse = TransitionRequest(to="rejected", reason="家庭收入超过标准")
    assert backend.transition(no, refuse, actor="staff:1").status == "rejected"
    other = backend.create_case("feedback", channel="网上办", summary="建议增加夜间热线")
    other_no = other.case.case_no
    with pytest.raises(InvalidTransition):
        backend.transition(other_no, "accepted", "", "staff:1")
    backend.transition(other_no, "in_progress", "", "staff:1")
    backend.transition(other_no, "closed", "已答复", "staff:1")
    with pytest.raises(InvalidTransition):
        backend.transition(other_no, "open", "", "staff:1")


def test_deadlines_count_working_days(backend: Backend) -> None:
    from datetime import date, timedelta

    calendar = backend.rules.calendar
    # 国庆 2026: 10-01..10-07 off, 10-10 (Saturday) a working day
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert calendar.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert calendar.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 8)
    # 30 working days from Monday 2026-11-02: six plain weeks; over 清明 (04-06) one more day
    assert calendar.add_working_days(date(2026, 11, 2), 30) == date(2026, 12, 14)
    assert calendar.add_working_days(date(2026, 3, 2), 30) == date(2026, 4, 14)
    rules = backend.rules
    accepted = date(2026, 11, 23)
    assert rules.due_date(
        "application", "investigating", "normal", stage_day=date(2026, 12, 1), accepted_day=accepted
    ) == calendar.add_working_days(accepted, 30)
    assert rules.due_date(
        "application",
        "reviewing",
        "normal",
        stage_day=accepted,
        accepted_day=accepted,
        extended=True,
    ) == calendar.add_working_days(accepted, 45)
    assert rules.due_date(
        "application", "publicizing", "normal", stage_day=accepted, accepted_day=accepted
    ) == accepted + timedelta(days=8)
    assert (
        rules.due_date(
            "application", "approved", "normal", stage_day=accepted, accepted_day=accepted
        )
        is None
    )
    no = apply(backend).case.case_no
    view = backend.transition(no, "accepted", "", "staff:1")
    assert view.deadline == calendar.add_working_days(local_day(utcnow()), 30)
    assert view.stage == "已受理" and view.next_step


def test_audit_trail_is_append_only(backend: Backend) -> None:
    apply(backend)
    with backend.db.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE case_events SET note = 'changed'"))
    with backend.db.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM case_events"))


def test_id_numbers_are_encrypted_masked_and_revealed_only_with_audit(backend: Backend) -> None:
    id_number = "430902199001011231"
    no = apply(backend).case.case_no
    with backend.db.session() as session:
        row = session.execute(select(Resident)).scalar_one()
        stored = [str(v) for v in row.model_dump().values()]
        outbox = " ".join(str(m.payload) for m in session.execute(select(OutboxMessage)).scalars())
    assert all(id_number not in value for value in stored)
    assert backend.pii.reveal(row.id_enc or "") == id_number
    assert row.id_masked == "4309**********1231"
    assert id_number not in outbox and "4309**********1231" in outbox
    assert backend.list_cases()[0].id_masked == "4309**********1231"
    assert id_number not in backend.list_cases()[0].model_dump_json()
    plain = backend.case_detail(no, actor="staff:1 王五")
    assert plain.id_number is None
    assert [e.action for e in plain.events] == ["created"]
    shown = backend.case_detail(no, reveal=True, actor="staff:1 王五")
    assert shown.id_number == id_number
    assert [(e.action, e.actor) for e in shown.events][-1] == ("reveal_id", "staff:1 王五")


def test_status_lookups_by_sender_and_by_id_digits(backend: Backend) -> None:
    no = apply(backend).case.case_no
    apply(backend, program="medical", chat_sender="u2")
    assert [c.case_no for c in backend.cases_for_sender("rest", "u1")] == [no]
    assert backend.find_case(no.lower()).case_no == no
    assert backend.find_case("JZ20000101-0001") is None
    assert backend.verify_case_identity(no, "011231").case_no == no
    assert backend.verify_case_identity(no, "011232") is None
    assert backend.verify_case_identity("JZ20000101-0001", "011231") is None


def test_notifications_are_written_with_the_change(backend: Backend) -> None:
    no = apply(backend).case.case_no

    def rows() -> list[tuple[str, str]]:
        with backend.db.session() as session:
            found = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
            return [(m.sink, m.key) for m in found]

    assert rows() == [("staff:log", f"{no}:created:staff")]  # no staff channel configured
    backend.transition(no, "accepted", "材料齐全", "staff:1")
    assert [sink for sink, _ in rows()] == ["staff:log", "staff:log", "resident:inbox"]
    with pytest.raises(InvalidTransition):
        backend.transition(no, "approved", "", "staff:1")
    assert len(rows()) == 3  # a refused change writes nothing


def test_a_failure_after_the_outbox_row_rolls_everything_back(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.cases as cases_module

    real_enqueue = cases_module.enqueue

    def enqueue_then_fail(*args: object, **kwargs: object) -> None:
        real_enqueue(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("crash after writing the notification")

    monkeypatch.setattr(cases_module, "enqueue", enqueue_then_fail)
    with pytest.raises(RuntimeError):
        apply(backend)
    with backend.db.session() as session:
        assert session.execute(select(Case)).first() is None
        assert session.execute(select(CaseEvent)).first() is None
        assert session.execute(select(OutboxMessage)).first() is None
    monkeypatch.setattr(cases_module, "enqueue", real_enqueue)
    assert apply(backend).case.case_no.endswith("-0001")  # the number was not used up


def test_staff_messages_go_to_the_resident_sink(backend: Backend) -> None:
    no = apply(backend).case.case_no
    key = backend.message_resident(no, "请明天带户口本来镇政府", "staff:1 王五")
    with backend.db.session() as session:
        row = session.execute(select(OutboxMessage).where(OutboxMessage.key == key)).scalar_one()
    assert row.sink == "resident:inbox"  # a REST chat cannot be pushed to: it waits
    assert (row.chat_channel, row.chat_sender) == ("rest", "u1")
    assert row.payload["chat_channel"] == "rest" and row.payload["sender"] == "u1"
    assert "请明天带户口本来镇政府" in row.payload["text"]
    no_chat = backend.create_case("feedback", channel="电话办", summary="热线反映")
    with pytest.raises(InvalidInput, match="聊天账号"):
        backend.message_resident(no_chat.case.case_no, "您好", "staff:1")


def test_consents_are_recorded(backend: Backend) -> None:
    no = apply(
        backend, consents=[("commitment", "2024-01"), ("authorization", "2024-02")]
    ).case.case_no
    detail = backend.case_detail(no)
    assert [(c.text_id, c.text_version, c.channel) for c in detail.consents] == [
        ("commitment", "2024-01", "网上办"),
        ("authorization", "2024-02", "网上办"),
    ]


def test_stats_count_by_status_kind_channel_and_week(backend: Backend) -> None:
    no = apply(backend).case.case_no
    apply(backend, program="medical", channel="口述办")
    backend.create_case("urgent", channel="掌上办", priority="urgent", township="新桥河镇")
    backend.transition(no, "accepted", "", "staff:1")
    stats = backend.stats()
    assert stats.by_status == {"accepted": 1, "open": 1, "submitted": 1}
    assert stats.by_kind == {"application": 2, "urgent": 1}
    assert stats.by_channel == {"口述办": 1, "掌上办": 1, "网上办": 1}
    year, week, _ = local_day(utcnow()).isocalendar()
    assert stats.by_week == {f"{year}-W{week:02d}": 3}


def test_a_recorded_extension_gives_45_working_days(backend: Backend) -> None:
    no = apply(backend).case.case_no
    with pytest.raises(InvalidTransition, match="不能延期"):
        backend.extend_deadline(no, "情况复杂", "staff:1")  # not accepted yet
    backend.transition(no, "accepted", "", "staff:1")
    with pytest.raises(InvalidInput, match="理由"):
        backend.extend_deadline(no, " ", "staff:1")
    view = backend.extend_deadline(no, "需要外省协查", "staff:1 王五")
    assert view.deadline == backend.rules.calendar.add_working_days(local_day(utcnow()), 45)
    with pytest.raises(InvalidTransition, match="已经延期"):
        backend.extend_deadline(no, "再延", "staff:1")
    # the extension holds through the later stages
    assert backend.transition(no, "investigating", "", "staff:1").deadline == view.deadline
    events = backend.case_detail(no).events
    assert ("extend", "staff:1 王五", "需要外省协查") in [
        (e.action, e.actor, e.note) for e in events
    ]


def test_a_summary_masks_ids_and_phones_typed_any_way(backend: Backend) -> None:
    outcome = backend.create_case(
        "urgent",
        summary="老人电话 138 0737 1234，身份证４３０９０２１９５８０１０１１２３１，+86 139-0737-1234",
        channel="网上办",
    )
    shown = backend.find_case(outcome.case.case_no)
    assert shown is not None
    for secret in ("0737", "19580101", "１９５８"):
        assert secret not in shown.summary
    assert "138****1234" in shown.summary
