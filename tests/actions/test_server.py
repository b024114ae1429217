"""The action server end to end: Rasa's requests in, the flows' answers and slots out,
cases visible to staff through the HTTP API on the same database."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from actions import CONTRACT_ACTIONS
from backend.clock import current_quarter
from backend.service import Backend
from flows.checkin import quarter_label
from flows.texts import texts
from nlu.validators import id_number_problem, phone_problem
from policies.catalog import load_catalog
from services.consents import consent
from tests.actions.conftest import ActionServer, slot_event, slot_sets, texts_of, user_event

CASE_NO = re.compile(r"^JZ\d{8}-\d{4,}$")
ID_NUMBER = "430902195001011233"  # a valid 身份证号 (checksum) of the test data
REGION = "hunan-yiyang-ziyang"


def applicant(**changes: Any) -> dict[str, Any]:
    """Every slot of application_form, filled and accepted."""
    slots: dict[str, Any] = {
        "program": "dibao",
        "name": "张三",
        "id_number": ID_NUMBER,
        "phone": "13800000000",
        "place": "大码头街道",
        "village": "金花坪社区",
        "residence": "urban",
        "household_size": 3,
        "ages": [68, 40, 10],
        "conditions": ["student"],
        "monthly_income": 1200,
        "commitment": "agree",
        "authorisation": "agree",
    }
    slots.update(changes)
    return slots


def validate(
    server: ActionServer, form: str, slot: str, value: Any, /, sender: str = "v1", **slots: Any
) -> dict[str, Any]:
    """Run ``validate_<form>`` for a slot the form just filled with ``value`` (as Rasa does)."""
    text = value if isinstance(value, str) else str(value)
    return server.run(
        f"validate_{form}",
        sender=sender,
        slots={**slots, slot: value},
        text=text,
        events=[user_event(text), slot_event(slot, value)],
        active_loop={"name": form},
    )


# -- the protocol ---------------------------------------------------------------------
def test_health_and_the_action_list(server: ActionServer) -> None:
    assert httpx.get(f"{server.url}/health").json() == {"status": "ok"}
    listed = {item["name"] for item in httpx.get(f"{server.url}/actions").json()}
    assert set(CONTRACT_ACTIONS) <= listed
    assert "action_ask_application_form_id_number" in listed


def test_an_unknown_action_gets_rasa_sdks_404(server: ActionServer) -> None:
    body = server.run("action_does_not_exist", expect=404)
    assert body == {
        "error": "No registered action found for name 'action_does_not_exist'.",
        "action_name": "action_does_not_exist",
    }


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'"text"',
        b"{}",
        b'{"next_action": "action_handoff"}',
        b'{"next_action": "action_handoff", "tracker": {"slots": {}}}',
        b'{"next_action": "action_handoff", "tracker": {"sender_id": "x", "events": "no"}}',
        b'{"next_action": "action_handoff", "tracker": {"sender_id": "x", "events": [{}]}}',
        b'{"next_action": 7, "tracker": {"sender_id": "x"}}',
    ],
)
def test_a_malformed_body_is_refused_not_a_crash(server: ActionServer, raw: bytes) -> None:
    response = httpx.post(
        f"{server.url}/webhook", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert "error" in response.json()
    assert httpx.get(f"{server.url}/health").status_code == 200


# -- policy answers -------------------------------------------------------------------
def test_policy_answer_from_slots(server: ActionServer) -> None:
    body = server.run(
        "action_policy_answer",
        slots={"program": "dibao", "aspect": "materials"},
        text="低保要带什么材料",
        intent="ask_materials",
    )
    assert slot_sets(body) == {"program": "dibao", "aspect": "materials"}
    [reply] = body["responses"]
    for fact in load_catalog().programs["dibao"].materials:
        assert fact.text in reply["text"]
    payloads = [b["payload"] for b in reply["buttons"]]
    assert '/ask_amount{"program":"dibao"}' in payloads
    assert "/apply" in payloads


def test_policy_aspect_from_the_intent_and_program_from_the_conversation(
    server: ActionServer,
) -> None:
    body = server.run(
        "action_policy_answer",
        slots={"program": "tekun"},
        text="一个月能领多少",
        intent="ask_amount",
    )
    assert slot_sets(body) == {"program": "tekun", "aspect": "amount"}
    program = load_catalog().programs["tekun"]
    assert texts_of(body)[0].startswith(f"【{program.short_name}能领多少】")
    assert program.payment.text in texts_of(body)[0]


def test_policy_without_a_program_offers_every_program(server: ActionServer) -> None:
    body = server.run("action_policy_answer", text="要什么材料", intent="ask_materials")
    [reply] = body["responses"]
    assert reply["text"] == texts()("policy.which_program")
    assert len(reply["buttons"]) == len(load_catalog().programs)
    assert slot_sets(body) == {"program": None, "aspect": "materials"}


# -- screening ------------------------------------------------------------------------
KNOWN_HOUSEHOLDS = [
    (
        {
            "residence": "urban",
            "household_size": 3,
            "ages": [68, 40, 10],
            "conditions": ["student"],
            "monthly_income": 1200,
            "deposits": 5000,
            "vehicles": "0",
            "houses": 1,
        },
        {
            "residence": "urban",
            "members": [
                {"age": 68, "relation": "self"},
                {"age": 40, "relation": "other"},
                {"age": 10, "relation": "other", "student": "compulsory"},
            ],
            "monthly_income": 1200,
            "assets": {"deposits": 5000, "vehicles": 0, "houses": 1},
        },
    ),
    (
        {
            "residence": "rural",
            "household_size": 1,
            "age": 76,
            "disability_grade": 2,
            "monthly_income": 300,
            "deposits": 0,
            "vehicles": "0",
            "houses": "1",
            "supporters_able": "no",
        },
        {
            "residence": "rural",
            "members": [{"age": 76, "relation": "self", "disability_grade": 2}],
            "monthly_income": 300,
            "assets": {"deposits": 0, "vehicles": 0, "houses": 1},
            "supporters_able": False,
        },
    ),
    (  # deposits not known: some programs only "possible", without an amount
        {
            "residence": "rural",
            "household_size": "1",
            "age": 76,
            "disability_grade": 2,
            "monthly_income": "三百",
            "deposits": "不清楚",
            "vehicles": "没有",
            "houses": "一套",
            "supporters_able": "没有",
        },
        {
            "residence": "rural",
            "members": [{"age": 76, "relation": "self", "disability_grade": 2}],
            "monthly_income": 300,
            "assets": {"deposits": None, "vehicles": 0, "houses": 1},
            "supporters_able": False,
        },
    ),
]


def test_the_known_households_cover_amounts_and_possible_programs() -> None:
    from policies.screening import screen

    results = [screen({"region": REGION, **household}) for _, household in KNOWN_HOUSEHOLDS]
    statuses = {p.status for result in results for p in result.programs}
    assert {"likely", "possible"} <= statuses
    assert any(p.monthly_amount for result in results for p in result.programs)


@pytest.mark.parametrize(("slots", "household"), KNOWN_HOUSEHOLDS)
def test_screening_gives_what_the_screening_api_gives(
    server: ActionServer, api: TestClient, slots: dict[str, Any], household: dict[str, Any]
) -> None:
    body = server.run("action_screening", slots=slots, text="测一测", intent="self_screening")
    answer = api.post("/api/screening", json={"region": REGION, **household})
    assert answer.status_code == 200, answer.text
    fitting = [p for p in answer.json()["programs"] if p["status"] in ("likely", "possible")]
    amounts = [p["monthly_amount"] for p in fitting if p["monthly_amount"]]
    assert fitting  # a household that gets something, or the test proves little
    events = slot_sets(body)
    assert events["screening_programs"] == [p["program"] for p in fitting]
    if amounts:
        assert events["screening_amount"] == pytest.approx(sum(amounts))
    else:
        assert events["screening_amount"] is None
    [reply] = body["responses"]
    for program in fitting:
        if program["monthly_amount"]:
            assert f"估算每月约{program['monthly_amount']:g}元" in reply["text"]
    assert "/apply" in [b["payload"] for b in reply["buttons"]]


def test_screening_reads_typed_answers_as_the_flow_does(server: ActionServer) -> None:
    numbers = server.run("action_screening", slots={"household_size": 2, "monthly_income": 2000})
    typed = server.run(
        "action_screening", slots={"household_size": "两口人", "monthly_income": "一年两万四"}
    )
    assert slot_sets(typed) == slot_sets(numbers)
    assert texts_of(typed) == texts_of(numbers)


def test_screening_asks_for_what_is_missing_and_refuses_bad_values(server: ActionServer) -> None:
    body = server.run("action_screening", slots={"household_size": 50})
    assert texts_of(body) == [
        texts()("screening.size_invalid"),
        texts()("screening.ask_household_size"),
    ]
    assert slot_sets(body) == {"household_size": None}


# -- applying -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("id_number", "430902195001011234", id_number_problem("430902195001011234")),
        ("id_number", "43090219500101123", id_number_problem("43090219500101123")),
        ("id_number", "430902195013011233", id_number_problem("430902195013011233")),
        ("phone", "1380000000", phone_problem("1380000000")),
        ("phone", "23800000000", phone_problem("23800000000")),
        ("name", "张3", texts()("identity.name_digits")),
        ("place", "火星上的一个村", texts()("applicant.place_unclear")),
        ("commitment", "不同意", texts()("apply.must_agree")),
    ],
)
def test_application_form_refuses_with_the_flows_reason(
    server: ActionServer, name: str, value: str, reason: str | None
) -> None:
    assert reason  # the value is one the flow refuses
    body = validate(server, "application_form", name, value)
    assert texts_of(body) == [reason]
    assert slot_sets(body)[name] is None


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("name", "我叫张三", {"name": "张三"}),
        ("id_number", "我的身份证是430902195001011233", {"id_number": ID_NUMBER}),
        ("phone", "138 0000 0000", {"phone": "13800000000"}),
        ("place", "金华坪", {"place": "大码头街道", "village": "金花坪社区"}),
        ("place", "长春镇", {"place": "长春镇", "village": None}),
        ("program", "低保", {"program": "dibao"}),
        ("commitment", '/inform{"commitment":"agree"}', {"commitment": "agree"}),
        ("ages", "68、40、10", {"ages": [68, 40, 10]}),
    ],
)
def test_application_form_accepts_what_the_flow_accepts(
    server: ActionServer, name: str, value: str, accepted: dict[str, Any]
) -> None:
    body = validate(server, "application_form", name, value, household_size=3)
    assert body["responses"] == []
    events = slot_sets(body)
    assert {k: events[k] for k in accepted} == accepted


def test_application_form_asks_only_what_the_flow_asks(server: ActionServer) -> None:
    # One member without illness or disability: no "who is ill" and no grade question.
    filled = applicant(household_size=1, ages=[70], conditions=[])
    del filled["monthly_income"]
    body = validate(server, "application_form", "ages", [70], **filled)
    assert slot_sets(body)["requested_slot"] == "monthly_income"
    # Two members, one seriously ill, not said who: who is ill is asked, the grade is not.
    ill = applicant(household_size=2, ages=[70, 68], conditions="1")
    body = validate(server, "application_form", "ages", [70, 68], **ill)
    assert slot_sets(body)["requested_slot"] == "who_ill"
    # Said who ("老伴瘫痪了"): not asked.
    said = applicant(household_size=2, ages=[70, 68], conditions="老伴瘫痪了")
    del said["monthly_income"]
    body = validate(server, "application_form", "ages", [70, 68], **said)
    assert slot_sets(body)["requested_slot"] == "monthly_income"


def test_ask_actions_ask_the_flows_questions(server: ActionServer) -> None:
    body = server.run("action_ask_application_form_commitment")
    [reply] = body["responses"]
    assert consent("commitment").text.strip() in reply["text"]
    assert [b["payload"] for b in reply["buttons"]] == [
        '/inform{"commitment":"agree"}',
        '/inform{"commitment":"refuse"}',
    ]
    body = server.run("action_ask_application_form_village", slots={"place": "长春镇"})
    assert texts_of(body) == [texts()("applicant.ask_village", township="长春镇")]
    assert body["responses"][0]["buttons"]


def test_a_submitted_application_reaches_staff_and_the_senders_status(
    server: ActionServer, api: TestClient
) -> None:
    body = server.run(
        "action_submit_application", sender="tg-42", slots=applicant(), channel="telegram"
    )
    case_no = slot_sets(body)["case_number"]
    assert CASE_NO.match(case_no)
    assert case_no in texts_of(body)[0]
    listed = api.get("/api/cases", params={"kind": "application"})
    assert listed.status_code == 200, listed.text
    [case] = [c for c in listed.json() if c["case_no"] == case_no]
    assert case["programs"] == ["dibao"]
    assert case["channel"] == "掌上办"  # telegram, as application_channel maps it
    assert (case["township"], case["village"]) == ("大码头街道", "金花坪社区")
    assert case["applicant_name"] == "张三"
    detail = api.get(f"/api/cases/{case_no}").json()
    assert ID_NUMBER not in str(detail)

    # The same sender on the same channel finds it without a case number …
    own = server.run("action_application_status", sender="tg-42", channel="telegram")
    assert case_no in texts_of(own)[0]
    # … another sender needs the number and the last 6 of the 身份证号.
    stranger = server.run("action_application_status", sender="someone-else", channel="telegram")
    assert case_no not in " ".join(texts_of(stranger))
    proven = server.run(
        "action_application_status",
        sender="someone-else",
        slots={"case_number": case_no, "id_last6": ID_NUMBER[-6:]},
    )
    assert case_no in texts_of(proven)[0]
    assert slot_sets(proven)["id_last6"] is None

    # Applying again for the same program points to the open case.
    again = server.run(
        "action_submit_application", sender="tg-42", slots=applicant(), channel="telegram"
    )
    assert slot_sets(again)["case_number"] == case_no
    assert texts_of(again)[0].startswith("您已经有一件低保申请正在办理")


def test_two_programs_in_the_form_give_two_cases(server: ActionServer, api: TestClient) -> None:
    named = validate(server, "application_form", "program", "低保和医疗救助都要申请")
    assert named["responses"] == []
    program = slot_sets(named)["program"]
    assert program == "低保、医疗救助"
    slots = applicant(program=program, name="赵六", id_number="430902196503031239")
    assert id_number_problem(slots["id_number"]) is None
    body = server.run("action_submit_application", sender="two-programs", slots=slots)
    [reply] = texts_of(body)
    numbers = re.findall(r"JZ\d{8}-\d{4,}", reply)
    assert len(numbers) == 2 and "低保：案件编号" in reply and "医疗救助：案件编号" in reply
    assert slot_sets(body)["case_number"] == numbers[0]
    programs = [api.get(f"/api/cases/{n}").json()["programs"] for n in numbers]
    assert programs == [["dibao"], ["medical"]]


def test_the_rest_channel_applies_as_online(server: ActionServer, api: TestClient) -> None:
    slots = applicant(name="李四", id_number="430902196002021235", program="temporary")
    assert id_number_problem(slots["id_number"]) is None
    body = server.run("action_submit_application", sender="web-7", slots=slots, channel="rest")
    case = api.get(f"/api/cases/{slot_sets(body)['case_number']}").json()
    assert case["channel"] == "网上办"


def test_no_case_without_both_consents(server: ActionServer, api: TestClient) -> None:
    before = len(api.get("/api/cases", params={"kind": "application"}).json())
    body = server.run(
        "action_submit_application", sender="refuser", slots=applicant(authorisation="refuse")
    )
    assert texts_of(body)[0] == texts()("actions.not_submitted", reason=texts()("apply.must_agree"))
    assert "case_number" not in slot_sets(body)
    missing = server.run(
        "action_submit_application", sender="refuser", slots=applicant(commitment=None)
    )
    assert consent("commitment").text.strip() in texts_of(missing)[0]
    assert len(api.get("/api/cases", params={"kind": "application"}).json()) == before


def test_status_look_ups_are_limited_per_case_not_per_caller(server: ActionServer) -> None:
    """The count is the server's, per case: a new sender id, another channel or made-up
    slots start from the same count."""
    for left, sender, channel in ((4, "guesser-1", "rest"), (3, "guesser-2", "rest"),
                                  (2, "guesser-3", "telegram"), (1, "guesser-4", "rest")):  # fmt: skip
        body = server.run(
            "action_application_status",
            sender=sender,
            channel=channel,
            slots={
                "case_number": "JZ20260101-0009",
                "id_last6": "000000",
                "status_failures": [],  # the caller's own count is not believed
            },
        )
        assert texts_of(body) == [texts()("status.not_found", left=left)]
        assert "status_failures" not in slot_sets(body)
    body = server.run(
        "action_application_status",
        sender="guesser-5",
        slots={"case_number": "JZ20260101-0009", "id_last6": "000000"},
    )
    assert texts_of(body) == [texts()("status.locked", minutes=60)]
    # Locked: asked for the number alone, it says so instead of asking for the last 6.
    body = server.run(
        "action_application_status", sender="guesser-6", slots={"case_number": "JZ20260101-0009"}
    )
    assert texts_of(body) == [texts()("status.locked", minutes=60)]


def test_status_asks_for_the_last_6_after_the_number(server: ActionServer) -> None:
    body = server.run(
        "action_application_status", sender="asker", slots={"case_number": "jz20260101-0001"}
    )
    assert texts_of(body) == [texts()("status.ask_last6")]
    assert slot_sets(body) == {"case_number": "JZ20260101-0001"}


# -- check-in -------------------------------------------------------------------------
ROSTER_ID = "430902194805051236"


@pytest.fixture
def roster(server: ActionServer) -> None:
    assert id_number_problem(ROSTER_ID) is None
    backend = Backend(server.settings)
    csv = f"姓名,身份证号,手机号,项目,乡镇街道,村社区\n王五,{ROSTER_ID},13900000009,低保,长春镇,一村\n"
    try:
        assert not backend.import_recipients(csv.encode("utf-8"), "roster.csv").errors
    finally:
        backend.close()


def test_checkin_binds_once_then_records(
    server: ActionServer, api: TestClient, roster: None
) -> None:
    sender = "checkin-1"
    first = server.run("action_checkin", sender=sender, text="签到", intent="checkin")
    assert texts_of(first) == [texts()("checkin.bind_intro"), texts()("checkin.ask_name")]

    wrong = validate(
        server,
        "checkin_form",
        "phone",
        "13900000000",
        sender=sender,
        name="王五",
        id_number=ROSTER_ID,
    )
    assert texts_of(wrong)[0] == texts()("checkin.not_found")
    assert slot_sets(wrong)["id_number"] is None

    bound = validate(
        server,
        "checkin_form",
        "phone",
        "13900000009",
        sender=sender,
        name="王五",
        id_number=ROSTER_ID,
    )
    assert texts_of(bound)[0].startswith("身份核实成功：王五")
    assert slot_sets(bound)["id_number"] is None  # checked, then not kept
    assert slot_sets(bound)["requested_slot"] == "checkin_members"

    asked = server.run("action_ask_checkin_form_checkin_members", sender=sender)
    assert [b["payload"] for b in asked["responses"][0]["buttons"]] == [
        '/inform{"checkin_members":"unchanged"}',
        '/inform{"checkin_members":"changed"}',
    ]
    answers = {
        "checkin_members": "unchanged",
        "checkin_income": "有变化",
        "checkin_address": "没变",
        "checkin_health": "unchanged",
    }
    wants_changes = server.run("action_checkin", sender=sender, slots=answers)
    assert texts_of(wants_changes)[-1] == texts()("checkin.ask_changes")

    done = server.run(
        "action_checkin", sender=sender, slots={**answers, "changes": "儿子在外打工，每月挣三千"}
    )
    quarter = current_quarter()
    label = quarter_label(quarter)
    assert texts_of(done)[0].startswith(f"签到成功 ✅ 已为您登记{label}的签到。")
    assert all(value is None for value in slot_sets(done).values())
    listed = api.get("/api/checkins", params={"quarter": quarter})
    assert listed.status_code == 200, listed.text
    assert "王五" in listed.text
    changes = api.get("/api/cases", params={"kind": "change_report"}).json()
    [change] = [c for c in changes if "收入" in c["summary"]]
    assert change["case_no"] in texts_of(done)[0]

    again = server.run("action_checkin", sender=sender, text="签到", intent="checkin")
    assert texts_of(again)[0].startswith(f"您{label}已经签到过了")


# -- urgent help and hand-off ---------------------------------------------------------
def test_urgent_help_opens_the_case_first_then_adds_the_answers(
    server: ActionServer, api: TestClient
) -> None:
    sender = "urgent-1"
    first = server.run(
        "action_urgent_help", sender=sender, text="家里着火了没地方住", intent="urgent_help"
    )
    events = slot_sets(first)
    case_no = events["urgent_case"]
    assert CASE_NO.match(case_no)
    assert events["urgent_what"] == "家里着火了没地方住"  # said already: not asked again
    # a fire may cost a life: the lines first, then the case marked so
    assert texts_of(first)[0].startswith("🆘 请马上拨打 119 火警、120 急救、110 报警")
    assert case_no in texts_of(first)[1] and "危及生命" in texts_of(first)[1]
    case = api.get(f"/api/cases/{case_no}").json()
    assert (case["kind"], case["priority"]) == ("urgent", "life")

    asked = server.run("action_ask_urgent_form_urgent_place", sender=sender)
    assert texts_of(asked) == [texts()("urgent.ask_place", other=False)]
    skipped = validate(server, "urgent_form", "phone", "跳过", sender=sender)
    assert slot_sets(skipped)["phone"] == "skip"

    second = server.run(
        "action_urgent_help",
        sender=sender,
        slots={**events, "urgent_place": "金华坪社区", "phone": "13700000000"},
    )
    (done,) = texts_of(second)  # its "today" or "after 8:30" follows the office clock
    assert f"已经补充到您的求助里（编号 {case_no}）" in done and "打 137****0000" in done
    assert "12356" not in texts_of(second)[0]  # a fire: no mental-health line
    assert slot_sets(second)["urgent_case"] is None
    case = api.get(f"/api/cases/{case_no}").json()
    assert "金华坪社区" in case["summary"]
    assert case["township"] == "大码头街道"


def test_urgent_help_after_words_of_despair_gives_12356_again_when_done(
    server: ActionServer,
) -> None:
    sender = "urgent-despair"
    opener = "活着没意思了 不想活了"
    first = server.run("action_urgent_help", sender=sender, text=opener, intent="urgent_help")
    events = slot_sets(first)
    case_no = events["urgent_case"]
    assert any("12356" in text for text in texts_of(first))
    history = [
        {"event": "user", "text": opener, "parse_data": {"intent": {"name": "urgent_help"}}},
        {"event": "slot", "name": "urgent_case", "value": case_no},
        {"event": "user", "text": "在家里", "parse_data": {"intent": {"name": "inform"}}},
    ]
    second = server.run(
        "action_urgent_help",
        sender=sender,
        slots={**events, "urgent_place": "在家里", "phone": "skip"},
        events=history,
    )
    assert case_no in texts_of(second)[0] and "12356" in texts_of(second)[0]


def test_handoff_keeps_the_conversation_for_staff(server: ActionServer, api: TestClient) -> None:
    sender = "handoff-1"
    events = [
        user_event("低保怎么申请，我身份证430902195001011233"),
        {"event": "bot", "text": "【低保怎么申请】…", "timestamp": 2.2},
        user_event("转人工", intent="human_handoff"),
    ]
    body = server.run(
        "action_handoff", sender=sender, text="转人工", intent="human_handoff", events=events
    )
    case_no = re.search(r"JZ\d{8}-\d{4,}", texts_of(body)[0])
    assert case_no is not None
    case = api.get(f"/api/cases/{case_no.group()}").json()
    assert case["kind"] == "handoff"
    assert "低保怎么申请" in case["summary"]
    assert ID_NUMBER not in case["summary"]  # masked, as in the chat
    again = server.run("action_handoff", sender=sender, text="转人工", intent="human_handoff")
    assert texts_of(again)[0].startswith("您已经在和工作人员对话了")


# -- robustness -----------------------------------------------------------------------
ODD_VALUES: list[Any] = [{"x": 1}, "💥", -1, [None], True, 1e30, ["a", 3]]


@pytest.mark.parametrize("odd", ODD_VALUES, ids=repr)
@pytest.mark.parametrize("action", CONTRACT_ACTIONS)
def test_odd_slot_values_never_crash_an_action(server: ActionServer, action: str, odd: Any) -> None:
    slots = dict.fromkeys(server.domain["slots"], odd)
    body = server.run(
        action,
        sender="odd",
        slots=slots,
        text="我家3口人",
        intent="inform",
        active_loop={"name": "application_form"},
    )
    assert isinstance(body["events"], list)
    assert isinstance(body["responses"], list)


def test_someone_elses_id_from_rasa_tells_nothing(server: ActionServer, api: TestClient) -> None:
    slots = applicant(name="周八", id_number="430902197707071237", program="medical")
    assert id_number_problem(slots["id_number"]) is None
    first = server.run("action_submit_application", sender="owner-1", slots=slots)
    first_no = slot_sets(first)["case_number"]
    other = applicant(
        name="冒名者", id_number="430902197707071237", program="medical", phone="13911112222"
    )
    body = server.run("action_submit_application", sender="stranger-1", slots=other)
    [reply] = texts_of(body)
    assert reply.startswith(texts()("apply.received", cases=[]).strip())
    # the applicant's own case number (probeM R20), never the other person's
    assert first_no not in reply and slot_sets(body).get("case_number") != first_no
    detail = api.get(f"/api/cases/{first_no}").json()
    # the first person's phone kept (masked unless revealed)
    assert detail["applicant_name"] == "周八" and detail["phone_masked"] == "138****0000"
    flagged = [c for c in api.get("/api/cases").json() if c["conflict_with"] == first_no]
    assert [c["applicant_name"] for c in flagged] == ["冒名者"]
