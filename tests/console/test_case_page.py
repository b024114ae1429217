"""One case: facts, screening, history, transitions, audited reveal, messages, region."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from backend.models import CaseEvent, OutboxMessage
from backend.service import Backend
from policies.screening import screen
from tests.console.conftest import OTHER_TOWNSHIP, application, valid_id

HOUSEHOLD = {
    "region": "hunan-yiyang-ziyang",
    "residence": "rural",
    "members": [{"age": 68, "relation": "self", "serious_illness": True}],
    "monthly_income": 300,
    "assets": {"deposits": 0, "vehicles": 0, "houses": 1},
}


def _events(backend: Backend, action: str) -> list[CaseEvent]:
    with backend.db.session() as session:
        return list(session.execute(select(CaseEvent).where(CaseEvent.action == action)).scalars())


def test_case_page_shows_facts_screening_history_deadline_and_transitions(
    admin: SimpleNamespace, backend: Backend
) -> None:
    case_no = application(
        backend,
        household=HOUSEHOLD,
        screening=screen(HOUSEHOLD).model_dump(mode="json"),
        summary="独居老人，患重病",
    )
    page = admin.client.get(f"/console/cases/{case_no}")
    assert page.status_code == 200
    text = page.text
    assert "家庭情况（提交时）" in text and "农村" in text and "300" in text
    assert "研判结果（提交时）" in text
    assert "<strong>低保</strong> · 很可能符合" in text
    assert "办理记录" in text and "创建" in text
    assert "本阶段办理期限" in text and "5个工作日" in text
    assert 'value="accepted"' in text and 'value="withdrawn"' in text
    assert 'value="approved"' not in text
    detail = backend.case_detail(case_no)
    assert detail.id_masked and detail.id_masked in text  # masked, not in full
    assert valid_id("43090219900101123") not in text


def test_transitions_are_recorded_with_the_staff_member_and_note(
    admin: SimpleNamespace, backend: Backend
) -> None:
    case_no = application(backend)
    response = admin.client.post(
        f"/console/cases/{case_no}/transition",
        data={"csrf": admin.csrf, "to": "accepted", "note": "材料齐全"},
    )
    assert response.status_code == 200
    assert "已受理" in response.text and "材料齐全" in response.text
    detail = backend.case_detail(case_no)
    assert detail.status == "accepted"
    event = detail.events[-1]
    assert event.actor.startswith("admin-token") and event.note == "材料齐全"
    assert "自受理之日起30个工作日" in response.text

    skipped = admin.client.post(
        f"/console/cases/{case_no}/transition", data={"csrf": admin.csrf, "to": "approved"}
    )
    assert "不能转为 approved" in skipped.text
    assert backend.case_detail(case_no).status == "accepted"


def test_rejection_needs_a_reason(admin: SimpleNamespace, backend: Backend) -> None:
    case_no = application(backend)
    for to in ("accepted", "investigating", "reviewing", "publicizing"):
        backend.transition(case_no, to, "", "test")
    page = admin.client.post(
        f"/console/cases/{case_no}/transition",
        data={"csrf": admin.csrf, "to": "rejected", "note": "内部备注不算理由"},
    )
    assert "请写明异议核实后不予批准的理由" in page.text
    assert backend.case_detail(case_no).status == "publicizing"


def _resident_texts(backend: Backend) -> list[str]:
    with backend.db.session() as session:
        rows = session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.sink.like("resident:%"))
            .order_by(OutboxMessage.id)
        ).scalars()
        return [row.payload["text"] for row in rows]


def test_a_refusal_is_previewed_as_the_applicant_reads_it_then_sent(
    admin: SimpleNamespace, backend: Backend
) -> None:
    case_no = application(backend)
    page = admin.client.get(f"/console/cases/{case_no}").text
    assert 'data-transition="rejected">不予受理<' in page and "不予受理时必填" in page
    form = {
        "csrf": admin.csrf,
        "to": "rejected",
        "reason": "户籍不在本镇，请到户籍所在地乡镇申请",
        "note": "内部：申请人儿子来电说明",
        "message": "如需帮助可以来镇民政办。",
    }
    shown = admin.client.post(f"/console/cases/{case_no}/transition/preview", data=form)
    assert shown.status_code == 200
    assert backend.case_detail(case_no).status == "submitted"  # nothing done yet
    assert _resident_texts(backend) == []
    quoted = re.search(r"data-resident-text>(.*?)</blockquote>", shown.text, re.S)
    assert quoted is not None
    preview = html.unescape(quoted.group(1))
    assert "不予受理" in preview and "户籍不在本镇" in preview and "复核" in preview
    assert "儿子来电" not in preview and "如需帮助可以来镇民政办。" in preview
    assert "确认：不予受理并发出通知" in shown.text
    done = admin.client.post(f"/console/cases/{case_no}/transition", data=form)
    assert "已将" in done.text and "理由（已告知申请人）：户籍不在本镇" in done.text
    assert _resident_texts(backend) == [preview]
    history = done.text.split("办理记录", 1)[1]
    assert "内部备注：内部：申请人儿子来电说明" in history and "告知申请人：" in history


def test_approval_in_the_console_waits_for_publicity_and_records_the_details(
    admin: SimpleNamespace, backend: Backend
) -> None:
    from datetime import timedelta

    from backend.clock import local_day, utcnow
    from tests.backend.conftest import backdate_stage, publicise

    case_no = application(backend)
    publicise(backend, case_no)
    page = admin.client.get(f"/console/cases/{case_no}").text
    possible = local_day(utcnow()) + timedelta(days=8)
    assert f"{possible.isoformat()}</strong> 起可以批准" in page
    assert "公示有异议，退回入户核实" in page
    month = f"{local_day(utcnow()):%Y-%m}"
    form = {
        "csrf": admin.csrf,
        "to": "approved",
        "programs": "dibao",
        "monthly_amount": "1172",
        "start_month": month,
    }
    early = admin.client.post(f"/console/cases/{case_no}/transition/preview", data=form)
    assert f"{possible.isoformat()}起才能批准" in early.text
    assert 'value="1172"' in early.text  # what was typed is kept
    backdate_stage(backend, case_no, 8)
    bad = admin.client.post(
        f"/console/cases/{case_no}/transition/preview", data={**form, "monthly_amount": "一千"}
    )
    assert "请填写每月金额" in bad.text and "data-preview>" not in bad.text
    shown = admin.client.post(f"/console/cases/{case_no}/transition/preview", data=form)
    assert "每月1172元" in shown.text and "data-confirm" in shown.text
    done = admin.client.post(f"/console/cases/{case_no}/transition", data=form)
    assert "已批准：低保" in done.text or "已批准：最低生活保障" in done.text
    detail = backend.case_detail(case_no)
    assert (detail.status, detail.monthly_amount, detail.start_month) == ("approved", 1172, month)
    assert "每月1172元" in _resident_texts(backend)[-1]


def test_a_note_stays_internal_and_a_message_is_previewed(
    admin: SimpleNamespace, backend: Backend
) -> None:
    case_no = application(backend)
    noted = admin.client.post(
        f"/console/cases/{case_no}/note", data={"csrf": admin.csrf, "text": "邻居反映常年在外"}
    )
    assert "内部备注已记入办理记录" in noted.text and "内部备注：邻居反映常年在外" in noted.text
    assert _resident_texts(backend) == []
    shown = admin.client.post(
        f"/console/cases/{case_no}/message/preview",
        data={"csrf": admin.csrf, "text": "请带上户口本"},
    )
    assert f"工作人员回复（{case_no}）：请带上户口本" in shown.text and "确认发送" in shown.text
    assert _resident_texts(backend) == []
    admin.client.post(
        f"/console/cases/{case_no}/message", data={"csrf": admin.csrf, "text": "请带上户口本"}
    )
    assert _resident_texts(backend) == [f"工作人员回复（{case_no}）：请带上户口本"]


def test_the_recorder_is_named_on_the_case_page(admin: SimpleNamespace, backend: Backend) -> None:
    clerk, _ = backend.create_staff("李娟", "caseworker", "长春镇")
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant={"name": "李桂英", "id_number": valid_id("43090219520304121")},
        channel="口述办",
        township="长春镇",
        recorded_by=clerk.id,
    )
    assert outcome.case is not None
    page = admin.client.get(f"/console/cases/{outcome.case.case_no}").text
    assert "<dt>录入人</dt><dd data-recorder>李娟</dd>" in page
    assert f"staff:{clerk.id} 李娟" in page  # the history names who recorded it


def test_revealing_the_full_id_is_audited(admin: SimpleNamespace, backend: Backend) -> None:
    case_no = application(backend)
    full = valid_id("43090219900101123")
    assert full not in admin.client.get(f"/console/cases/{case_no}").text
    assert _events(backend, "reveal_id") == []
    page = admin.client.post(f"/console/cases/{case_no}/reveal", data={"csrf": admin.csrf})
    assert page.status_code == 200
    assert full in page.text
    assert "此次查看已记入办理记录" in page.text
    [event] = _events(backend, "reveal_id")
    assert event.actor.startswith("admin-token")
    assert admin.client.get(f"/console/cases/{case_no}/reveal").status_code == 404  # POST only
    assert len(_events(backend, "reveal_id")) == 1


def test_a_message_to_the_resident_goes_to_their_chat(
    admin: SimpleNamespace, backend: Backend
) -> None:
    case_no = application(backend)
    page = admin.client.post(
        f"/console/cases/{case_no}/message", data={"csrf": admin.csrf, "text": "请带上户口本"}
    )
    assert "消息已进入发送队列" in page.text
    with backend.db.session() as session:
        [row] = session.execute(
            select(OutboxMessage).where(OutboxMessage.sink == "resident:inbox")
        ).scalars()
        assert row.payload["chat_channel"] == "rest"
        assert "请带上户口本" in row.payload["text"]
    no_chat = application(backend, id17="43090219900101009", chat=False)
    assert "电话联系" in admin.client.get(f"/console/cases/{no_chat}").text
    refused = admin.client.post(
        f"/console/cases/{no_chat}/message", data={"csrf": admin.csrf, "text": "你好"}
    )
    assert "没有可联系的聊天账号" in refused.text


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("transition", {"to": "accepted"}),
        ("reveal", {}),
        ("message", {"text": "你好"}),
        ("message/preview", {"text": "你好"}),
        ("transition/preview", {"to": "accepted"}),
        ("note", {"text": "内部"}),
    ],
)
def test_case_forms_refuse_a_missing_or_wrong_csrf_token(
    admin: SimpleNamespace, backend: Backend, path: str, data: dict[str, str]
) -> None:
    case_no = application(backend)
    for csrf in (None, "wrong"):
        body = {**data, **({"csrf": csrf} if csrf else {})}
        response = admin.client.post(f"/console/cases/{case_no}/{path}", data=body)
        assert response.status_code == 403
        assert "安全校验未通过" in response.text
    detail = backend.case_detail(case_no)
    assert detail.status == "submitted"
    assert [e.action for e in detail.events] == ["created"]


def test_caseworkers_cannot_open_or_touch_another_townships_case(
    caseworker: SimpleNamespace, backend: Backend
) -> None:
    mine = application(backend, id17="43090219900101001")
    theirs = application(backend, id17="43090219900101002", township=OTHER_TOWNSHIP)
    client, csrf = caseworker.client, caseworker.csrf
    assert client.get(f"/console/cases/{mine}").status_code == 200
    page = client.get(f"/console/cases/{theirs}")
    assert page.status_code == 403
    assert "不在您的辖区" in page.text
    for path, data in (
        ("transition", {"to": "accepted"}),
        ("reveal", {}),
        ("message", {"text": "你好"}),
    ):
        response = client.post(f"/console/cases/{theirs}/{path}", data={"csrf": csrf, **data})
        assert response.status_code == 403, path
    detail = backend.case_detail(theirs)
    assert detail.status == "submitted"
    assert [e.action for e in detail.events] == ["created"]
    accepted = client.post(
        f"/console/cases/{mine}/transition", data={"csrf": csrf, "to": "accepted"}
    )
    assert accepted.status_code == 200
    assert backend.case_detail(mine).events[-1].actor == f"staff:{caseworker.staff.id} 李经办"


def _preview_and_send(
    admin: SimpleNamespace, case_no: str, form: dict[str, str]
) -> tuple[str, str]:
    """The applicant's text as the console previews it, then the page after sending."""
    shown = admin.client.post(f"/console/cases/{case_no}/transition/preview", data=form)
    quoted = re.search(r"data-resident-text>(.*?)</blockquote>", shown.text, re.S)
    assert quoted is not None, shown.text
    done = admin.client.post(f"/console/cases/{case_no}/transition", data=form)
    return html.unescape(quoted.group(1)), done.text


@pytest.mark.parametrize("stage", ["investigating", "reviewing"])
def test_a_refusal_after_the_home_visit_or_review_needs_no_publicity(
    admin: SimpleNamespace, backend: Backend, stage: str
) -> None:
    case_no = application(backend)
    for to in ("accepted", "investigating", "reviewing")[: 2 if stage == "investigating" else 3]:
        backend.transition(case_no, to, "", "test")
    page = admin.client.get(f"/console/cases/{case_no}").text
    verb = re.search(r'data-transition="rejected">(.*?)<', page)
    assert verb is not None and f"{verb.group(1)}时必填" in page  # the reason is asked for
    form = {
        "csrf": admin.csrf,
        "to": "rejected",
        "reason": "家庭月人均收入1500元，高于低保标准",
        "note": "内部：邻居反映",
    }
    told, done = _preview_and_send(admin, case_no, form)
    assert "不符合条件，未获批准" in told and "理由：家庭月人均收入1500元" in told
    assert "复核" in told and "邻居反映" not in told
    assert backend.case_detail(case_no).status == "rejected"
    assert _resident_texts(backend)[-1] == told
    assert "内部备注：内部：邻居反映" in done.split("办理记录", 1)[1]


@pytest.mark.parametrize(
    ("to", "said"),
    [("investigating", "重新入户核实"), ("rejected", "公示期间收到异议，经核实未获批准")],
)
def test_an_objection_in_the_console_goes_back_or_refuses_with_its_reason(
    admin: SimpleNamespace, backend: Backend, to: str, said: str
) -> None:
    from tests.backend.conftest import publicise

    case_no = application(backend)
    publicise(backend, case_no, actor="test")
    form = {
        "csrf": admin.csrf,
        "to": to,
        "reason": "有村民反映家中有一辆货车",
        "note": "来电人：村民李某",
    }
    without = admin.client.post(
        f"/console/cases/{case_no}/transition/preview", data={**form, "reason": ""}
    )
    assert "请写明" in without.text and "data-preview>" not in without.text
    told, _done = _preview_and_send(admin, case_no, form)
    assert said in told and "有村民反映家中有一辆货车" in told and "李某" not in told
    assert backend.case_detail(case_no).status == to
    assert _resident_texts(backend)[-1] == told


def test_a_flagged_case_approved_in_the_console_joins_its_roster_entry(
    admin: SimpleNamespace, backend: Backend
) -> None:
    from backend.clock import local_day, utcnow
    from tests.backend.conftest import backdate_stage, publicise

    id_number = valid_id("43090219900101123")
    roster = f"姓名,身份证号,手机号,项目,乡镇街道,村社区\n张三,{id_number},13900139000,特困,长春镇,长春村\n"
    backend.import_recipients(roster.encode(), "r.csv")
    case_no = application(backend)  # the roster's number from a chat not bound to it
    assert backend.case_detail(case_no).conflict_with == "名册"
    publicise(backend, case_no, actor="test")
    backdate_stage(backend, case_no, 8)
    form = {
        "csrf": admin.csrf,
        "to": "approved",
        "programs": "dibao",
        "monthly_amount": "500",
        "start_month": f"{local_day(utcnow()):%Y-%m}",
    }
    told, done = _preview_and_send(admin, case_no, form)
    assert "每月500元" in told and "特困" not in told and "名册" not in told
    assert "并入救助对象名册" in done.split("办理记录", 1)[1]
    recipient = backend.recipient_for_chat("rest", "resident-43090219900101123")
    assert recipient is not None and recipient.programs == ["dibao", "tekun"]
