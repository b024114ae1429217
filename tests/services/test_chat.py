"""Cases opened from a chat: one entry point for urgent, hand-off, report, feedback and
change reports; the channel, the chat account and the township they reach."""

from __future__ import annotations

from backend.service import Backend
from services.container import Services
from tests.services.conftest import TOWNSHIP, import_roster, staff_rows, valid_id


def test_a_report_reaches_the_township_it_names_with_the_contact(
    services: Services, backend: Backend
) -> None:
    opened = services.chat_cases.open(
        "discovery_report",
        chat_channel="telegram",
        sender="42",
        summary="二港村李奶奶一个人住，病了",
        place_text="长春镇二港村",
        contact="13800000000",
    )
    assert opened.created and opened.case.kind == "discovery_report"
    detail = backend.case_detail(opened.case.case_no)
    assert (detail.township, detail.village, detail.channel) == (TOWNSHIP, "二港村", "掌上办")
    assert detail.phone_masked == "138****0000" and detail.chat_channel == "telegram"
    assert backend.cases.phone_of(opened.case.case_no) == "13800000000"


def test_an_urgent_case_is_urgent_and_its_note_fills_the_place(
    services: Services, backend: Backend
) -> None:
    opened = services.chat_cases.urgent(chat_channel="rest", sender="u1", summary="家里着火了")
    assert opened.case.priority == "urgent" and opened.case.township == ""
    services.chat_cases.add_note(
        opened.case.case_no,
        "在二港村",
        staff_text="补充：在二港村",
        place_text="二港村",
        phone="13900000000",
    )
    detail = backend.case_detail(opened.case.case_no)
    assert detail.township == TOWNSHIP and detail.phone_masked == "139****0000"
    assert backend.cases.phone_of(opened.case.case_no) == "13900000000"
    assert [row.payload["text"] for row in staff_rows(backend)][-1] == "补充：在二港村"


def test_one_open_handoff_per_chat_account(services: Services) -> None:
    first = services.chat_cases.handoff(chat_channel="rest", sender="h", summary="想问低保")
    second = services.chat_cases.handoff(chat_channel="rest", sender="h", summary="还在吗")
    assert first.created and not first.already_waiting
    assert second.already_waiting and second.case.case_no == first.case.case_no
    other = services.chat_cases.handoff(chat_channel="telegram", sender="h", summary="想问低保")
    assert other.created and other.case.case_no != first.case.case_no


def test_a_change_report_of_a_bound_recipient_carries_the_roster_place(
    services: Services, backend: Backend
) -> None:
    id_number = valid_id("43090219500101123")
    import_roster(backend, ("张三", id_number, "13800000000", "低保", TOWNSHIP, "二港村"))
    assert services.binding.bind("rest", "r", "张三", id_number, "13800000000").result == "bound"
    bound = services.chat_cases.change_report(chat_channel="rest", sender="r", summary="老伴去世")
    assert bound.bound and (bound.case.township, bound.case.applicant_name) == (TOWNSHIP, "张三")
    unbound = services.chat_cases.change_report(chat_channel="rest", sender="x", summary="搬家")
    assert not unbound.bound and unbound.case.township == ""
