"""Someone else's 身份证号: a second application with a known number tells the applicant
nothing about the first person, changes none of their details, and reaches staff as a
possible conflict — by chat, by 口述办 and through the use-case (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from backend.models import Case, CaseEvent, OpenClaim, Resident
from backend.service import Backend
from base.messages import UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from services.applications import ApplicationRequest
from services.container import Services
from services.intake import IntakeFacts
from tests.services.conftest import TOWNSHIP, household, import_roster, staff_rows, valid_id

ID = valid_id("43090219580101123")


def request(**extra: object) -> ApplicationRequest:
    values: dict[str, object] = {
        "programs": ["dibao"],
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


def impostor(**extra: object) -> ApplicationRequest:
    applicant = {"name": "李冒名", "id_number": ID, "phone": "13999999999"}
    return request(applicant=applicant, chat_sender="666", **extra)


def first_person(backend: Backend) -> Resident:
    with backend.db.session() as session:
        return session.execute(select(Resident).where(Resident.id_hash.is_not(None))).scalar_one()  # type: ignore[union-attr]


def events(backend: Backend, case_no: str) -> list[CaseEvent]:
    with backend.db.session() as session:
        case = session.execute(select(Case).where(Case.case_no == case_no)).scalar_one()
        query = select(CaseEvent).where(CaseEvent.case_id == case.id)
        return list(session.execute(query).scalars())


def test_another_account_with_a_known_id_learns_nothing_and_changes_nothing(
    services: Services, backend: Backend
) -> None:
    first = services.applications.submit(request()).cases[0]
    second = services.applications.submit(impostor())
    [item] = second.programs
    # its own number only (probeM R20): nothing of the first person's case
    assert item.result == "received" and item.case is not None
    assert item.case.case_no != first.case_no and second.cases == [item.case]
    # the first person's stored name and phone are theirs
    person = first_person(backend)
    assert (person.name, backend.pii.reveal_phone(person.phone_enc)) == ("王建国", "13807371234")
    assert backend.cases.phone_of(first.case_no) == "13807371234"
    # staff get a case of its own, flagged, with the impostor's details to call back
    flagged = [c for c in backend.list_cases() if c.case_no != first.case_no]
    [conflict] = flagged
    assert conflict.conflict_with == first.case_no and conflict.applicant_name == "李冒名"
    assert backend.cases.phone_of(conflict.case_no) == "13999999999"
    assert any(
        e.action == "conflict" and first.case_no in e.note
        for e in events(backend, conflict.case_no)
    )
    alert = staff_rows(backend)[-1]
    assert alert.case_no == conflict.case_no and "可能冲突" in alert.payload["text"]
    assert alert.payload["conflict_with"] == first.case_no
    # the first person's open claim is untouched: their own account still sees it
    again = services.applications.submit(request())
    assert again.programs[0].result == "duplicate" and again.cases[0].case_no == first.case_no
    with backend.db.session() as session:
        claims = list(session.execute(select(OpenClaim)).scalars())
    assert [c.case_id for c in claims] == [
        session.get(Case, c.case_id).id
        for c in claims  # type: ignore[union-attr]
    ] and len(claims) == 1


def test_an_unauthenticated_sender_is_never_the_same_account(
    services: Services, backend: Backend
) -> None:
    first = services.applications.submit(request(chat_channel="rest", chat_sender="anon:u1"))
    assert first.programs[0].result == "created"
    # the same made-up id again: nobody vouches for it, so nothing is told
    again = services.applications.submit(request(chat_channel="rest", chat_sender="anon:u1"))
    assert again.programs[0].result == "received"
    assert [c.case_no for c in again.cases] != [c.case_no for c in first.cases]  # its own


def test_the_roster_is_not_revealed_to_an_unbound_account(
    services: Services, backend: Backend
) -> None:
    import_roster(backend, ("王建国", ID, "13807371234", "低保", TOWNSHIP, "二港村"))
    outcome = services.applications.submit(impostor())
    assert [p.result for p in outcome.programs] == ["received"]  # not "already receives"
    [case] = backend.list_cases()
    assert case.conflict_with == "名册"
    # the account bound to the roster entry is told it already receives it
    assert services.binding.bind("telegram", "42", "王建国", ID, "13807371234").result == "bound"
    own = services.applications.submit(request())
    assert [p.result for p in own.programs] == ["already_recipient"]


def test_two_programs_of_one_application_are_both_flagged(
    services: Services, backend: Backend
) -> None:
    services.applications.submit(request())
    outcome = services.applications.submit(impostor(programs=["dibao", "medical"]))
    assert [p.result for p in outcome.programs] == ["received", "received"]
    flagged = [c for c in backend.list_cases() if c.conflict_with]
    assert len(flagged) == 2 and {c.programs[0] for c in flagged} == {"dibao", "medical"}


def test_staff_intake_with_a_known_id_is_flagged_and_keeps_the_details(
    services: Services, backend: Backend
) -> None:
    first = services.applications.submit(request()).cases[0]
    staff, _ = backend.create_staff("李经办", "caseworker", TOWNSHIP)
    facts = IntakeFacts(
        name="王建国",  # the name on file, another phone: staff verify before anything
        id_number=ID,
        phone="13700000000",
        household_size=2,
        monthly_income=500,
        township=TOWNSHIP,
        village="二港村",
        residence="rural",
        programs=["dibao"],
    )
    outcome = services.intake.record(staff, facts, ["commitment", "authorisation"])
    assert outcome.result == "filed" and outcome.application is not None
    [item] = outcome.application.programs
    assert item.result == "received" and item.case is not None  # staff verify the person
    assert item.case.conflict_with == first.case_no
    assert backend.pii.reveal_phone(first_person(backend).phone_enc) == "13807371234"


@pytest.fixture
async def runtime(backend_settings: Settings) -> AsyncIterator[Runtime]:
    runtime = Runtime(backend_settings.model_copy(update={"redis_url": None}))
    yield runtime
    await runtime.aclose()


APPLY_TURNS = (
    '/apply{"program":"dibao"}',
    "李冒名",
    ID,
    "13999999999",
    "长春镇二港村",
    "农村",
    "1",
    "68",  # the ID's age: a stated age that differs is asked about first (q2)
    "都没有",
    "800",
    "同意",
    "同意",
)


async def test_by_chat_the_applicant_is_told_it_was_received_with_only_their_own_number(
    runtime: Runtime, services: Services, backend: Backend
) -> None:
    first = services.applications.submit(request()).cases[0]
    for text in APPLY_TURNS:
        await runtime.engine.handle(UserMessage("telegram", "666", text))
    replies = await runtime.engine.handle(UserMessage("telegram", "666", "确认无误"))
    said = "\n".join(r.text for r in replies)
    assert "已收到，工作人员会核实后联系您" in said
    # the number of this application (probeM R20), never the other person's
    assert first.case_no not in said and "案件编号" in said
    own = backend.cases_for_sender("telegram", "666")
    assert own and own[0].case_no in said and own[0].case_no != first.case_no
    assert first_person(backend).name == "王建国"
    assert any(c.conflict_with == first.case_no for c in backend.list_cases())
