"""One case: facts, screening, history, transitions, audited reveal, messages, region."""

from __future__ import annotations

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
        f"/console/cases/{case_no}/transition", data={"csrf": admin.csrf, "to": "rejected"}
    )
    assert "不予批准须写明理由" in page.text
    assert backend.case_detail(case_no).status == "publicizing"


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
