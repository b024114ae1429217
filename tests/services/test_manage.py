"""A resident's own application by chat: withdraw (staff told), a correction as a note,
a review case linked to the refusal; only the account's own applications."""

from __future__ import annotations

import pytest

from backend.errors import InvalidTransition, NotFound
from backend.schemas import TransitionRequest
from backend.service import Backend
from services.container import Services
from tests.services.conftest import TOWNSHIP, staff_rows, valid_id

REFUSE_PATH = ("accepted", "investigating", "reviewing", "publicizing", "rejected")


def _apply(backend: Backend, sender: str, id17: str = "43090219580101123") -> str:
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant={"name": "王建国", "id_number": valid_id(id17)},
        township=TOWNSHIP,
        chat_channel="rest",
        chat_sender=sender,
    )
    assert outcome.case is not None
    return outcome.case.case_no


def test_withdraw_before_a_decision_and_staff_are_told(
    services: Services, backend: Backend
) -> None:
    case_no = _apply(backend, "m1")
    own = services.own_requests
    assert [c.case_no for c in own.withdrawable("rest", "m1")] == [case_no]
    assert own.withdrawable("rest", "someone-else") == []
    with pytest.raises(NotFound):
        own.withdraw("rest", "someone-else", case_no)
    view = own.withdraw("rest", "m1", case_no)
    assert view.status == "withdrawn"
    assert any(
        case_no in str(r.payload.get("text")) and "已撤回" in str(r.payload.get("text"))
        for r in staff_rows(backend)
    )
    assert own.withdrawable("rest", "m1") == []
    with pytest.raises(InvalidTransition):
        own.withdraw("rest", "m1", case_no)


def test_withdraw_of_a_case_proven_by_number_from_another_chat_says_so_to_staff(
    services: Services, backend: Backend
) -> None:
    """A son's chat proved the case by number + 身份证后6位 (``seen``): withdrawn, and
    staff read it was not the applying account; a case not proven is never withdrawn."""
    case_no = _apply(backend, "daughter")
    own = services.own_requests
    with pytest.raises(NotFound):
        own.withdraw("rest", "son", case_no, seen="JZ20200101-0099")
    assert own.can_withdraw(backend.find_case(case_no))
    view = own.withdraw("rest", "son", case_no, seen=case_no)
    assert view.status == "withdrawn"
    assert not own.can_withdraw(view)
    text = str(staff_rows(backend)[-1].payload.get("text"))
    assert case_no in text and "已撤回" in text and "凭案件编号和申请人身份证后6位核验" in text


def test_a_correction_is_a_masked_note_for_staff(services: Services, backend: Backend) -> None:
    case_no = _apply(backend, "m2")
    services.own_requests.correct("rest", "m2", case_no, "电话是13812345678，家里4口人")
    detail = backend.case_detail(case_no)
    note = detail.events[-1]
    assert (
        note.action == "resident_note"
        and "138****5678" in note.note
        and "13812345678" not in note.note
    )
    assert staff_rows(backend)[-1].payload["text"].startswith(f"【申请人更正】{case_no}")
    assert detail.status == "submitted"


def test_a_review_is_linked_to_the_refusal_and_asked_once(
    services: Services, backend: Backend
) -> None:
    case_no = _apply(backend, "m3")
    own = services.own_requests
    with pytest.raises(Exception, match="不予批准"):
        own.review("rest", "m3", case_no, "收入算多了")
    for step in REFUSE_PATH:
        # a refusal carries the reason the applicant is told (issue 17)
        to = TransitionRequest(to=step, reason="不符合条件") if step == "rejected" else step
        backend.transition(case_no, to, "不符合条件", "test")
    review, opened = own.review("rest", "m3", case_no, "收入算多了")
    assert opened and review.kind == "review" and review.related_case_no == case_no
    assert (review.township, review.programs, review.status) == (TOWNSHIP, ["dibao"], "open")
    assert review.applicant_name == "王建国"
    again, opened = own.review("rest", "m3", case_no, "再问一次")
    assert not opened and again.case_no == review.case_no
    assert own.review_under_way("rest", "m3", case_no) == again
    refused = backend.case_detail(case_no)
    assert (
        refused.events[-1].action == "review_requested"
        and review.case_no in refused.events[-1].note
    )
    alerts = [str(r.payload.get("text")) for r in staff_rows(backend)]
    assert any(t.startswith("【新申请复核】") and review.case_no in t for t in alerts)
    # the review's own workflow: looked at, then upheld or revised
    assert backend.transition(review.case_no, "in_progress", "", "test").status == "in_progress"
    assert (
        backend.transition(review.case_no, "revised", "收入重新核算", "test").stage == "改变原决定"
    )
    assert own.review_under_way("rest", "m3", case_no) is None


def test_a_correction_names_the_field_with_the_value_filed(
    services: Services, backend: Backend
) -> None:
    outcome = backend.create_case(
        "application",
        programs=["tekun"],
        applicant={"name": "汤桂英", "id_number": valid_id("43090219580101123")},
        township=TOWNSHIP,
        chat_channel="rest",
        chat_sender="m9",
        household={"residence": "rural", "members": [{"age": 68}], "monthly_income": 300},
    )
    assert outcome.case is not None
    case_no = outcome.case.case_no
    _, lines = services.own_requests.correct(
        "rest", "m9", case_no, "她儿子每个月给五百", {"monthly_income": 500, "household_size": 2}
    )
    assert lines == ["家庭月收入：300元 → 500元", "家庭人口：1人 → 2人"]
    text = staff_rows(backend)[-1].payload["text"]
    assert text.startswith(f"【申请人更正】{case_no}：家庭月收入：300元 → 500元")
