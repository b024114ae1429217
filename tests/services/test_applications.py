"""Apply: one set of answers, one case per program; nothing dropped, nothing half-filed."""

from __future__ import annotations

import pytest

from backend.errors import InvalidInput
from backend.service import Backend
from services.applications import ApplicationRequest
from services.consents import consent
from services.container import Services
from tests.services.conftest import TOWNSHIP, household, import_roster, staff_rows, valid_id

ID = valid_id("43090219580101123")


def request(*programs: str, **extra: object) -> ApplicationRequest:
    values: dict[str, object] = {
        "programs": list(programs),
        "applicant": {"name": "王建国", "id_number": ID, "phone": "13807371234"},
        "township": TOWNSHIP,
        "village": "二港村",
        "household": household(2, 500),
        "channel": "掌上办",
        "chat_channel": "telegram",
        "chat_sender": "42",
        "agreed": ["commitment", "authorisation"],
    }
    values.update(extra)
    return ApplicationRequest.model_validate(values)


def test_two_programs_give_two_cases_with_the_household_and_consents(
    services: Services, backend: Backend
) -> None:
    outcome = services.applications.submit(request("dibao", "medical"))
    assert [(p.program, p.result) for p in outcome.programs] == [
        ("dibao", "created"),
        ("medical", "created"),
    ]
    first, second = outcome.cases
    assert first.case_no != second.case_no
    assert first.programs == ["dibao"] and second.programs == ["medical"]
    for case in outcome.cases:
        detail = backend.case_detail(case.case_no)
        assert detail.household is not None and len(detail.household["members"]) == 2
        assert detail.screening == outcome.screening
        assert {(c.text_id, c.text_version) for c in detail.consents} == {
            (consent("commitment").id, consent("commitment").version),
            (consent("authorisation").id, consent("authorisation").version),
        }
        assert detail.chat_channel == "telegram" and detail.channel == "掌上办"
    assert first.summary == "申请低保：家庭2人，月收入500元"
    assert "申请医疗救助" in second.summary
    # Staff hear of each case.
    alerts = [row.case_no for row in staff_rows(backend)]
    assert alerts == [first.case_no, second.case_no]
    assert backend.cases_for_sender("telegram", "42")[0].case_no == second.case_no


def test_an_open_case_comes_back_as_its_number_and_the_other_program_is_filed(
    services: Services,
) -> None:
    open_one = services.applications.submit(request("medical")).cases[0]
    outcome = services.applications.submit(request("dibao", "medical"))
    assert [(p.program, p.result) for p in outcome.programs] == [
        ("dibao", "created"),
        ("medical", "duplicate"),
    ]
    assert outcome.programs[1].case is not None
    assert outcome.programs[1].case.case_no == open_one.case_no


def test_a_program_already_received_is_said_so_not_dropped(
    services: Services, backend: Backend
) -> None:
    import_roster(backend, ("王建国", ID, "13807371234", "低保", TOWNSHIP, "二港村"))
    # the account bound to the roster entry (another one learns nothing: test_identity)
    assert services.binding.bind("telegram", "42", "王建国", ID, "13807371234").result == "bound"
    outcome = services.applications.submit(request("dibao", "medical"))
    assert [(p.program, p.result) for p in outcome.programs] == [
        ("dibao", "already_recipient"),
        ("medical", "created"),
    ]
    assert len(outcome.cases) == 1


def test_without_both_consents_or_with_a_bad_program_nothing_is_filed(
    services: Services, backend: Backend
) -> None:
    refused = services.applications.submit(request("dibao", agreed=["commitment"]))
    assert not refused.filed and refused.missing_consents == ["authorisation"]
    with pytest.raises(InvalidInput):
        services.applications.submit(request("dibao", "no-such-program"))
    assert backend.list_cases() == []  # the good program was not filed either
    assert staff_rows(backend) == []


def test_a_household_that_cannot_be_screened_files_nothing(
    services: Services, backend: Backend
) -> None:
    broken = household()
    broken["members"] = []
    outcome = services.applications.submit(request("dibao", household=broken))
    assert outcome.problem and not outcome.filed
    assert backend.list_cases() == []
