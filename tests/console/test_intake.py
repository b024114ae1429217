"""口述办 in the console: facts extracted into an editable form, consents, the application."""

from __future__ import annotations

import re
from types import SimpleNamespace

from markupsafe import escape
from sqlalchemy import func, select

from backend.models import Case
from backend.service import Backend
from nlu.validators import id_number_problem
from services.consents import consent
from tests.console.conftest import OTHER_TOWNSHIP, valid_id

ID = valid_id("43090219580101123")
ACCOUNT = f"王建国，68岁，身份证{ID}，电话13800138000，住长春镇长春村，独居，每月收入500元，有高血压，想申请低保"
COMPLETE = {
    "account": ACCOUNT,
    "name": "王建国",
    "id_number": ID,
    "phone": "13800138000",
    "age": "68",
    "household_size": "1",
    "monthly_income": "500",
    "township": "长春镇",
    "village": "长春村",
    "residence": "rural",
    "illness": "高血压",
    "programs": "dibao",
    "consent_commitment": "yes",
    "consent_authorisation": "yes",
}


def _cases(backend: Backend) -> int:
    with backend.db.session() as session:
        return int(session.execute(select(func.count()).select_from(Case)).scalar_one())


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="[a-z]+" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_extracted_facts_come_back_as_an_editable_form(named_admin: SimpleNamespace) -> None:
    page = named_admin.client.post(
        "/console/intake/extract", data={"csrf": named_admin.csrf, "account": ACCOUNT}
    )
    assert page.status_code == 200
    html = page.text
    assert _value(html, "name") == "王建国"
    assert _value(html, "id_number") == ID
    assert _value(html, "phone") == "13800138000"
    assert _value(html, "household_size") == "1"
    assert '<option value="长春镇" selected>' in html
    assert 'value="dibao" checked' in html
    assert consent("commitment").text.splitlines()[1] in html
    assert consent("authorisation").title in html
    assert 'name="consent_commitment"' in html


def test_missing_required_fields_are_marked(named_admin: SimpleNamespace) -> None:
    page = named_admin.client.post(
        "/console/intake/extract",
        data={"csrf": named_admin.csrf, "account": "王大爷七十多岁了，一个人住，没有收入"},
    )
    html = page.text
    assert "还缺" in html
    for name in ("name", "id_number", "phone"):
        assert f'field-missing" data-field="{name}"' in html
    assert 'field-missing" data-field="household_size"' not in html
    assert "口述中的称呼：王大爷" in html


def test_confirming_creates_the_application_recorded_by_the_staff_member(
    caseworker: SimpleNamespace, backend: Backend
) -> None:
    response = caseworker.client.post(
        "/console/intake/submit", data={"csrf": caseworker.csrf, **COMPLETE}
    )
    assert response.status_code == 200
    assert "已创建申请" in response.text
    [case] = backend.list_cases()
    assert case.channel == "口述办" and case.kind == "application"
    assert case.programs == ["dibao"]
    assert case.township == "长春镇" and case.applicant_name == "王建国"
    detail = backend.case_detail(case.case_no)
    assert detail.recorded_by == caseworker.staff.id
    assert {c.text_id for c in detail.consents} == {"commitment", "authorisation"}
    assert detail.household and detail.household["members"][0]["age"] == 68
    assert detail.screening and detail.screening["programs"]
    assert response.url.path == f"/console/cases/{case.case_no}"

    again = caseworker.client.post(
        "/console/intake/submit", data={"csrf": caseworker.csrf, **COMPLETE}
    )
    assert "已有未办结的申请" in again.text
    assert _cases(backend) == 1


def test_no_application_without_the_read_out_consents(
    named_admin: SimpleNamespace, backend: Backend
) -> None:
    data = {k: v for k, v in COMPLETE.items() if k != "consent_authorisation"}
    response = named_admin.client.post(
        "/console/intake/submit", data={"csrf": named_admin.csrf, **data}
    )
    assert response.status_code == 422
    assert "请宣读以下文本" in response.text
    assert _value(response.text, "name") == "王建国"  # what was typed is kept
    assert _cases(backend) == 0


def test_wrong_or_missing_values_are_shown_and_nothing_is_created(
    named_admin: SimpleNamespace, backend: Backend
) -> None:
    data = {**COMPLETE, "id_number": ID[:-1] + ("0" if ID[-1] != "0" else "1"), "phone": ""}
    data["monthly_income"] = "很多"
    response = named_admin.client.post(
        "/console/intake/submit", data={"csrf": named_admin.csrf, **data}
    )
    assert response.status_code == 422
    html = response.text
    assert 'field-missing" data-field="phone"' in html
    problem = id_number_problem(data["id_number"])
    assert problem and str(escape(problem)) in html
    assert "请填写数字" in html
    assert _cases(backend) == 0


def test_caseworkers_record_only_for_their_township(
    caseworker: SimpleNamespace, backend: Backend
) -> None:
    data = {**COMPLETE, "township": OTHER_TOWNSHIP, "village": "沙头村"}
    response = caseworker.client.post(
        "/console/intake/submit", data={"csrf": caseworker.csrf, **data}
    )
    assert response.status_code == 422
    assert "只能为本辖区" in response.text
    assert _cases(backend) == 0


def test_intake_forms_refuse_a_wrong_csrf_token(
    named_admin: SimpleNamespace, backend: Backend
) -> None:
    for path, data in (("extract", {"account": ACCOUNT}), ("submit", COMPLETE)):
        response = named_admin.client.post(f"/console/intake/{path}", data={"csrf": "x", **data})
        assert response.status_code == 403
    assert _cases(backend) == 0


def test_the_environment_admin_token_cannot_be_the_recorder(
    admin: SimpleNamespace, backend: Backend
) -> None:
    assert "不能记为录入人" in admin.client.get("/console/intake").text
    for path, data in (("extract", {"account": ACCOUNT}), ("submit", COMPLETE)):
        response = admin.client.post(f"/console/intake/{path}", data={"csrf": admin.csrf, **data})
        assert response.status_code == 403
        assert "无法记为录入人" in response.text
    assert _cases(backend) == 0
