"""The decision rules over HTTP: refusals with reasons, 公示 of 7 days (409 with the date),
objections, approvals (422 on bad details), previews equal to what is sent, internal
notes, the 口述办 recorder's name in the case detail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.clock import local_day, utcnow
from backend.models import OutboxMessage
from backend.service import Backend
from tests.backend.conftest import backdate_stage, publicise, valid_id
from tests.backend.test_api import caseworker, open_case
from tests.backend.test_decisions import told


def post(client: TestClient, no: str, path: str, body: dict, headers: dict[str, str]):  # type: ignore[type-arg]
    return client.post(f"/api/cases/{no}/{path}", json=body, headers=headers)


def test_a_refusal_over_http_needs_its_reason_and_the_preview_is_what_is_sent(
    client: TestClient, backend: Backend
) -> None:
    no = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    worker = caseworker(client, "新桥河镇", name="赵六")
    detail = client.get(f"/api/cases/{no}", headers=worker).json()
    assert detail["reasons_needed"] == {"rejected": "不予受理的理由"}
    only_note = post(client, no, "transitions", {"to": "rejected", "note": "不是本镇"}, worker)
    assert only_note.status_code == 409 and "不予受理的理由" in only_note.json()["detail"]
    body = {"to": "rejected", "reason": "户籍不在本镇", "note": "内部：已电话说明"}
    preview = post(client, no, "transitions/preview", body, worker)
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert shown["reaches_resident"] and "理由：户籍不在本镇。" in shown["resident_text"]
    assert "不予受理" in shown["resident_text"] and "复核" in shown["resident_text"]
    assert "12345" in shown["resident_text"] and "新桥河镇" in shown["resident_text"]
    assert "内部" not in shown["resident_text"] and "赵六" in shown["staff_text"]
    assert told(backend, no) == []
    done = post(client, no, "transitions", body, worker)
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    assert told(backend, no) == [shown["resident_text"]]
    last = client.get(f"/api/cases/{no}", headers=worker).json()["events"][-1]
    assert (last["note"], last["message"]) == ("内部：已电话说明", shown["resident_text"])
    assert "赵六" in last["actor"]


def test_approval_over_http_waits_for_publicity_and_checks_its_details(
    client: TestClient, backend: Backend
) -> None:
    no_id = valid_id("43090219900101001")
    no = open_case(backend, "新桥河镇", no_id)
    publicise(backend, no)
    month = f"{local_day(utcnow()):%Y-%m}"
    body = {
        "to": "approved",
        "approval": {"programs": ["dibao"], "monthly_amount": 1172, "start_month": month},
    }
    early = post(client, no, "transitions", body, worker := caseworker(client, "新桥河镇"))
    possible = local_day(utcnow()) + timedelta(days=8)
    assert (
        early.status_code == 409 and f"{possible.isoformat()}起才能批准" in early.json()["detail"]
    )
    backdate_stage(backend, no, 8)
    without = post(client, no, "transitions", {"to": "approved"}, worker)
    assert without.status_code == 422 and "每月金额" in without.json()["detail"]
    bad = {**body, "approval": {**body["approval"], "start_month": "2027/01"}}
    assert post(client, no, "transitions", bad, worker).status_code == 422
    other = {**body, "approval": {**body["approval"], "programs": ["medical"]}}
    assert "申请的项目" in post(client, no, "transitions", other, worker).json()["detail"]
    ok = post(client, no, "transitions", body, worker)
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    detail = client.get(f"/api/cases/{no}", headers=worker).json()
    assert (detail["approved_programs"], detail["monthly_amount"], detail["start_month"]) == (
        ["dibao"],
        1172,
        month,
    )
    text = told(backend, no)[-1]
    assert "每月1172元" in text and "低保" in text
    assert f"从{int(month[:4])}年{int(month[5:])}月起" in text
    # the household is on the roster, bound to the chat it applied from
    recipient = backend.recipient_for_chat("rest", f"s-{no_id[-4:]}")
    assert recipient is not None and recipient.programs == ["dibao"]


def test_an_objection_over_http(client: TestClient, backend: Backend) -> None:
    no = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    publicise(backend, no)
    worker = caseworker(client, "新桥河镇")
    assert client.get(f"/api/cases/{no}", headers=worker).json()["reasons_needed"] == {
        "investigating": "公示异议（将重新核实）",
        "rejected": "异议核实后不予批准的理由",
    }
    back = post(
        client, no, "transitions", {"to": "investigating", "reason": "有人反映家有货车"}, worker
    )
    assert back.status_code == 200 and back.json()["status"] == "investigating"
    assert "有人反映家有货车" in told(backend, no)[-1]


@pytest.mark.parametrize("stage", ["investigating", "reviewing"])
def test_a_refusal_over_http_after_the_home_visit_or_the_review(
    client: TestClient, backend: Backend, stage: str
) -> None:
    no = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    path = ["accepted", "investigating", "reviewing"][: 2 if stage == "investigating" else 3]
    for status in path:
        backend.transition(no, status, "", "staff:1 王五")
    worker = caseworker(client, "新桥河镇")
    detail = client.get(f"/api/cases/{no}", headers=worker).json()
    assert detail["reasons_needed"]["rejected"] == "不符合条件的理由"
    assert "publicizing" not in detail["reasons_needed"]  # a refusal needs no 公示
    without = post(client, no, "transitions", {"to": "rejected"}, worker)
    assert without.status_code == 409 and "不符合条件的理由" in without.json()["detail"]
    body = {"to": "rejected", "reason": "家庭月人均收入1500元，高于低保标准", "note": "邻居说"}
    shown = post(client, no, "transitions/preview", body, worker).json()
    done = post(client, no, "transitions", body, worker)
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    text = told(backend, no)[-1]
    assert text == shown["resident_text"] and "不符合条件，未获批准" in text
    assert "理由：家庭月人均收入1500元，高于低保标准。" in text and "复核" in text
    assert "邻居说" not in text


def test_an_objection_that_holds_refuses_over_http(client: TestClient, backend: Backend) -> None:
    no = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    publicise(backend, no)
    worker = caseworker(client, "新桥河镇")
    without = post(client, no, "transitions", {"to": "rejected", "note": "来电"}, worker)
    assert without.status_code == 409 and "异议核实后不予批准的理由" in without.json()["detail"]
    body = {"to": "rejected", "reason": "经核实家庭有一辆营运货车"}
    done = post(client, no, "transitions", body, worker)  # during 公示: no need to wait
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    text = told(backend, no)[-1]
    assert "公示期间收到异议" in text and "经核实家庭有一辆营运货车" in text and "复核" in text
    assert (
        client.get(f"/api/cases/{no}", headers=worker).json()["decision_reason"] == body["reason"]
    )


def test_a_flagged_case_approved_over_http_joins_the_roster_entry(
    client: TestClient, backend: Backend
) -> None:
    """The roster's 身份证号 from an unbound chat: flagged in the detail; approving it
    after verifying the person gives the roster entry the program and binds the chat."""
    id_number = valid_id("43090219900101001")
    roster = f"姓名,身份证号,手机号,项目,乡镇街道,村社区\n张三,{id_number},13900139000,特困,新桥河镇,一村\n"
    backend.import_recipients(roster.encode(), "r.csv")
    no = open_case(backend, "新桥河镇", id_number)
    worker = caseworker(client, "新桥河镇")
    assert client.get(f"/api/cases/{no}", headers=worker).json()["conflict_with"] == "名册"
    publicise(backend, no)
    backdate_stage(backend, no, 8)
    month = f"{local_day(utcnow()):%Y-%m}"
    body = {
        "to": "approved",
        "approval": {"programs": ["dibao"], "monthly_amount": 500, "start_month": month},
    }
    shown = post(client, no, "transitions/preview", body, worker).json()
    assert "名册" in shown["staff_text"] and "名册" not in shown["resident_text"]
    assert post(client, no, "transitions", body, worker).status_code == 200
    recipient = backend.recipient_for_chat("rest", f"s-{id_number[-4:]}")
    assert recipient is not None and recipient.programs == ["dibao", "tekun"]
    assert told(backend, no)[-1] == shown["resident_text"] and "特困" not in shown["resident_text"]
    events = client.get(f"/api/cases/{no}", headers=worker).json()["events"]
    assert events[-1]["action"] == "roster" and events[-1]["message"] == ""


def test_notes_stay_internal_and_messages_are_previewed(
    client: TestClient, backend: Backend
) -> None:
    no = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    worker = caseworker(client, "新桥河镇")
    added = post(client, no, "notes", {"note": "申请人儿子在深圳打工"}, worker)
    assert added.status_code == 201
    preview = post(client, no, "messages/preview", {"text": "请补交户口本复印件"}, worker).json()
    assert preview["resident_text"] == f"工作人员回复（{no}）：请补交户口本复印件"
    sent = post(client, no, "messages", {"text": "请补交户口本复印件"}, worker)
    assert sent.status_code == 202 and sent.json()["resident_text"] == preview["resident_text"]
    with backend.db.session() as session:
        payloads = [m.payload for m in session.execute(select(OutboxMessage)).scalars()]
    assert all("深圳" not in str(p) for p in payloads)
    assert told(backend, no) == [preview["resident_text"]]
    events = client.get(f"/api/cases/{no}", headers=worker).json()["events"]
    assert [(e["action"], e["note"]) for e in events][-2] == ("note", "申请人儿子在深圳打工")
    assert post(client, no, "notes", {"note": ""}, worker).status_code == 422


def test_the_case_detail_names_the_recorder(client: TestClient, backend: Backend) -> None:
    clerk, _ = backend.create_staff("李娟", "caseworker", "新桥河镇")
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant={"name": "李桂英", "id_number": valid_id("43090219520304121")},
        channel="口述办",
        township="新桥河镇",
        recorded_by=clerk.id,
    )
    assert outcome.case is not None
    detail = client.get(
        f"/api/cases/{outcome.case.case_no}", headers=caseworker(client, "新桥河镇")
    )
    body = detail.json()
    assert (body["recorded_by"], body["recorded_by_name"]) == (clerk.id, "李娟")
    assert body["events"][0]["actor"] == f"staff:{clerk.id} 李娟"
