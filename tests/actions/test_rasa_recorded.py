"""The requests a real Rasa 3.6.21 sent to ``jiuzhu actions`` (``../shared/fixtures/
rasa-3.6/``, read in place; see its README), replayed in order against the action server
in this process (rasa-sdk's own app, as ``jiuzhu actions`` serves it).

The replay plays Rasa's part the way the fixed example would: the slots our answers set
are carried into the sender's next requests (so the case numbers are ours), except what
a form's validation echoes for a slot it was not asking (the example's entity mappings no
longer fill those). Checked: every answer's shape and events, the cases the application,
status, urgent and hand-off calls create or find, and the screening Rasa got wrong — with
the deposits answer "两千" kept from the income, the result is the chat's 低保 ≈1172元.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from actions.server import create_action_app
from base.settings import Settings
from services.container import Services

ROOT = Path(__file__).parents[2]
SHARED = Path(os.environ.get("JIUZHU_SHARED_DIR") or ROOT.parent / "shared")
RECORDED = SHARED / "fixtures" / "rasa-3.6" / "action_calls.jsonl"
CASE_NO = re.compile(r"JZ\d{8}-\d{4,}")
EVENT_KINDS = {"slot", "active_loop", "followup", "reset_slots", "action_execution_rejected"}


def recorded_calls() -> list[dict[str, Any]]:
    if not RECORDED.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the recorded Rasa requests are missing: {RECORDED}")
        pytest.skip(f"no recorded Rasa requests at {RECORDED} (set JIUZHU_SHARED_DIR)")
    return [json.loads(line) for line in RECORDED.read_text("utf-8").splitlines() if line]


@dataclass
class Exchange:
    call: dict[str, Any]  # the request as sent (slots carried over)
    status: int
    body: dict[str, Any]

    @property
    def action(self) -> str:
        return str(self.call["next_action"])

    @property
    def slots_set(self) -> dict[str, Any]:
        return {e["name"]: e["value"] for e in self.body.get("events", []) if e["event"] == "slot"}

    @property
    def texts(self) -> list[str]:
        return [str(r.get("text") or "") for r in self.body.get("responses", [])]


@dataclass
class ActionServer:
    """The action server app in this process, driven through its ASGI interface."""

    services: Services
    app: Any = None
    _tasks: list[Any] = field(default_factory=list)

    async def __aenter__(self) -> httpx.AsyncClient:
        from sanic import Sanic

        Sanic.test_mode = True  # one rasa-sdk app after another in this process
        self.app = create_action_app(self.services)
        self._inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self._tasks.append(asyncio.create_task(self.app(scope, self._inbox.get, self._outbox.put)))
        await self._inbox.put({"type": "lifespan.startup"})
        started = await self._outbox.get()
        assert started["type"] == "lifespan.startup.complete", started
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://actions", timeout=60
        )
        return self.client

    async def __aexit__(self, *_: object) -> None:
        await self.client.aclose()
        await self._inbox.put({"type": "lifespan.shutdown"})
        await self._outbox.get()
        await self._tasks.pop()


def services_for(tmp: Path) -> Services:
    return Services(
        Settings(database_url=f"sqlite:///{tmp / 'actions.db'}", redis_url=None, secret_key="k")
    )


async def replay(services: Services, calls: list[dict[str, Any]]) -> list[Exchange]:
    carried: dict[str, dict[str, Any]] = {}
    done: list[Exchange] = []
    async with ActionServer(services) as client:
        for recorded in calls:
            call = copy.deepcopy(recorded)
            tracker = call["tracker"]
            mine = carried.setdefault(tracker["sender_id"], {})
            tracker["slots"].update(mine)
            answer = await client.post("/webhook", json=call)
            exchange = Exchange(call, answer.status_code, answer.json())
            done.append(exchange)
            asked = tracker["slots"].get("requested_slot")
            for name, value in exchange.slots_set.items():
                echo = exchange.action.startswith("validate_") and asked and name != asked
                if not echo or name == "requested_slot":
                    mine[name] = value
    return done


async def post_one(services: Services, call: dict[str, Any]) -> Exchange:
    async with ActionServer(services) as client:
        answer = await client.post("/webhook", json=call)
    return Exchange(call, answer.status_code, answer.json())


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, list[Exchange]]]:
    calls = recorded_calls()
    services = services_for(tmp_path_factory.mktemp("recorded"))
    services.backend.migrate()
    exchanges = asyncio.run(replay(services, calls))
    yield services, exchanges
    asyncio.run(services.aclose())


def first(exchanges: list[Exchange], action: str, sender: str | None = None) -> Exchange:
    return next(
        e
        for e in exchanges
        if e.action == action and (sender is None or e.call["tracker"]["sender_id"] == sender)
    )


def test_the_recording_is_what_its_readme_says() -> None:
    calls = recorded_calls()
    assert len(calls) == 63
    assert {c["version"] for c in calls} == {"3.6.21"}
    assert all(c["domain"]["slots"] and c["tracker"]["events"] for c in calls)


def test_every_request_gets_a_well_formed_answer(run: tuple[Services, list[Exchange]]) -> None:
    """Rasa ran the example of 2026-12-01; an action the example has since dropped (the
    forms now ask who is ill per member, not ``condition_holder``) gets rasa-sdk's 404."""
    _, exchanges = run
    current = yaml.safe_load((EXAMPLE / "domain.yml").read_text("utf-8"))
    known = set(current["actions"]) | set(current["forms"])
    for number, exchange in enumerate(exchanges):
        where = f"request {number} ({exchange.action})"
        if exchange.action not in known:
            assert exchange.status == 404, where
            assert exchange.body["action_name"] == exchange.action, where
            continue
        assert exchange.status == 200, (where, exchange.body)
        assert set(exchange.body) == {"events", "responses"}, where
        # the slots of the example as it is now (the recording's, plus those added since)
        domain_slots = (
            set(current["slots"]) | set(exchange.call["domain"]["slots"]) | {"requested_slot"}
        )
        for event in exchange.body["events"]:
            assert event["event"] in EVENT_KINDS, (where, event)
            if event["event"] == "slot":
                assert event["name"] in domain_slots, (where, event)
        for response in exchange.body["responses"]:
            assert isinstance(response.get("text"), str) and response["text"].strip(), where
            for button in response.get("buttons") or []:
                assert button["title"] and button["payload"].startswith("/"), (where, button)
        if exchange.action.startswith("action_ask_"):
            # the flow's question: one message, nothing set
            assert len(exchange.body["responses"]) == 1 and exchange.body["events"] == [], where
        if exchange.action.startswith("validate_"):
            # a recorded answer the flow accepts is kept (the person's answers were valid)
            asked = exchange.call["tracker"]["slots"].get("requested_slot")
            if asked in current["slots"]:
                assert exchange.slots_set.get(asked) is not None, (where, exchange.slots_set)
                assert exchange.body["responses"] == [], where


def test_the_recorded_application_files_the_case_and_status_finds_it(
    run: tuple[Services, list[Exchange]],
) -> None:
    services, exchanges = run
    submitted = first(exchanges, "action_submit_application")
    case_no = submitted.slots_set["case_number"]
    assert CASE_NO.fullmatch(case_no) and case_no in submitted.texts[0]
    detail = services.backend.case_detail(case_no)
    assert (detail.kind, detail.programs, detail.channel) == ("application", ["dibao"], "网上办")
    assert (detail.applicant_name, detail.township, detail.village) == (
        "刘桂芳",
        "长春镇",
        "二港村",
    )
    assert detail.id_masked == "4309**********4024" and detail.phone_masked == "139****1234"
    assert detail.household is not None and len(detail.household["members"]) == 4
    assert detail.household["monthly_income"] == 800
    assert {c.text_id for c in detail.consents} == {"commitment", "authorisation"}
    assert (detail.chat_channel, detail.screening is not None) == ("rest", True)

    status = first(exchanges, "action_application_status")
    assert status.call["tracker"]["slots"]["case_number"] == case_no  # ours, carried over
    assert "后6位" in status.texts[0]
    proven = copy.deepcopy(status.call)
    proven["tracker"]["slots"]["id_last6"] = "044024"
    answer = asyncio.run(post_one(services, proven))
    assert case_no in answer.texts[0] and "已提交" in answer.texts[0]
    assert answer.slots_set["id_last6"] is None


def test_the_recorded_emergency_opens_one_case_and_adds_the_answers(
    run: tuple[Services, list[Exchange]],
) -> None:
    services, exchanges = run
    opened, completed = [e for e in exchanges if e.action == "action_urgent_help"]
    case_no = opened.slots_set["urgent_case"]
    assert case_no in " ".join(opened.texts) and "120" in " ".join(opened.texts)
    assert completed.call["tracker"]["slots"]["urgent_case"] == case_no
    assert case_no in completed.texts[0] and "136****9876" in completed.texts[0]
    detail = services.backend.case_detail(case_no)
    assert detail.kind == "urgent" and detail.priority in ("urgent", "life")
    if detail.priority == "life":  # a danger to life is called back 尽快, not "today"
        assert "尽快" in completed.texts[0] and "今天会" not in completed.texts[0]
    assert detail.township == "大码头街道" and detail.phone_masked == "136****9876"
    assert [e.action for e in detail.events] == ["created", "resident_note"]
    assert completed.slots_set["urgent_case"] is None  # the form is done with


def test_the_recorded_hand_off_keeps_the_conversation(
    run: tuple[Services, list[Exchange]],
) -> None:
    services, exchanges = run
    handoff = first(exchanges, "action_handoff")
    [case_no] = CASE_NO.findall(handoff.texts[0])
    detail = services.backend.case_detail(case_no)
    assert detail.kind == "handoff" and "居民要求转人工" in detail.summary
    assert "居民：两千" in detail.summary  # the recent turns, for staff


def test_under_rasa_the_screening_now_says_what_the_chat_says(
    run: tuple[Services, list[Exchange]],
) -> None:
    _, exchanges = run
    deposits = next(
        e
        for e in exchanges
        if e.action == "validate_screening_form"
        and e.call["tracker"]["slots"].get("requested_slot") == "deposits"
    )
    # the answer "两千" carries a monthly_income entity: the income is not taken from it
    assert deposits.call["tracker"]["latest_message"]["text"] == "两千"
    assert deposits.slots_set["deposits"] == 2000
    assert deposits.slots_set.get("monthly_income") != 2000
    result = first(exchanges, "action_screening")
    assert result.call["tracker"]["slots"]["monthly_income"] == 800
    assert result.slots_set["screening_programs"] == ["dibao", "medical"]
    assert result.slots_set["screening_amount"] == 1172
    assert "低保，估算每月约1172元" in result.texts[0]


def test_the_recorded_slots_reproduce_what_rasa_got_wrong(
    run: tuple[Services, list[Exchange]], tmp_path: Path
) -> None:
    """Sent as recorded (income overwritten by 2000), the screening is 低保边缘: the
    replay above differs only by what the fixes keep from happening."""
    raw = next(c for c in recorded_calls() if c["next_action"] == "action_screening")
    assert raw["tracker"]["slots"]["monthly_income"] == 2000
    services = services_for(tmp_path)
    services.backend.migrate()
    answer = asyncio.run(post_one(services, raw))
    asyncio.run(services.aclose())
    assert "很可能符合：\n• 低保边缘" in answer.texts[0]
    assert "1172" not in answer.texts[0]


# --- 取消 and 转人工 inside a form, the submit contract ------------------------------------


def _said(call: dict[str, Any], text: str) -> dict[str, Any]:
    """The recorded call as if the person had typed ``text`` this turn."""
    changed = copy.deepcopy(call)
    tracker = changed["tracker"]
    tracker["latest_message"]["text"] = text
    asked = tracker["slots"].get("requested_slot")
    for event in reversed(tracker["events"]):
        if event["event"] == "slot" and event["name"] == asked:
            event["value"] = text  # the from_text candidate
        if event["event"] == "user":
            event["text"] = text
            break
    if asked:
        tracker["slots"][asked] = text
    return changed


def test_cancel_leaves_the_form_and_nothing_is_filed(tmp_path: Path) -> None:
    calls = recorded_calls()
    place = next(
        c
        for c in calls
        if c["next_action"] == "validate_application_form"
        and c["tracker"]["slots"].get("requested_slot") == "place"
    )
    services = services_for(tmp_path)
    services.backend.migrate()
    left = asyncio.run(post_one(services, _said(place, "取消")))
    assert left.texts == [
        "好的，已取消刚才的事项，填过的内容不会提交。还有什么需要，回复「菜单」。"
    ]
    events = left.body["events"]
    assert {"event": "active_loop", "name": None} in [
        {k: e[k] for k in ("event", "name")} for e in events if e["event"] == "active_loop"
    ]
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert {"name", "id_number", "phone", "requested_slot"} <= cleared
    assert "program" in cleared  # filled in this form too (from "想申请低保")
    # Rasa's "application done" rule then runs the submit: it files nothing
    submit = next(c for c in calls if c["next_action"] == "action_submit_application")
    nothing = asyncio.run(post_one(services, _said(submit, "取消")))
    assert nothing.body == {"events": [], "responses": []}
    assert services.backend.list_cases() == []
    # an answer that only looks like a refusal ("没有") is an answer, not 取消
    vehicles = next(
        c
        for c in calls
        if c["next_action"] == "validate_screening_form"
        and c["tracker"]["slots"].get("requested_slot") == "vehicles"
    )
    kept = asyncio.run(post_one(services, vehicles))
    assert kept.slots_set["vehicles"] in (0, "0") and kept.body["responses"] == []
    asyncio.run(services.aclose())


def test_the_submit_files_from_the_contracts_slots_alone(tmp_path: Path) -> None:
    submit = next(c for c in recorded_calls() if c["next_action"] == "action_submit_application")
    call = copy.deepcopy(submit)
    contract = ("program", "name", "id_number", "phone", "place", "residence")
    call["tracker"]["sender_id"] = "contract-only"
    slots = call["tracker"]["slots"]
    call["tracker"]["slots"] = {k: (slots[k] if k in contract else None) for k in slots}
    # a deployment on the contract alone: no household or consent slots in its domain
    domain = call["domain"]
    domain["slots"] = {k: v for k, v in domain["slots"].items() if k in contract}
    services = services_for(tmp_path)
    services.backend.migrate()
    answer = asyncio.run(post_one(services, call))
    case_no = answer.slots_set["case_number"]
    detail = services.backend.case_detail(case_no)
    assert (detail.applicant_name, detail.township, detail.programs) == (
        "刘桂芳",
        "长春镇",
        ["dibao"],
    )
    assert detail.screening is None  # nothing to screen: no income was asked
    assert detail.household == {"region": services.region, "residence": "rural"}
    assert "待受理时当面签署" in detail.summary
    assert detail.consents == []
    # the contract's own slots are still demanded: without the phone, it is asked
    del_phone = copy.deepcopy(call)
    del_phone["tracker"]["sender_id"] = "no-phone"
    del_phone["tracker"]["slots"]["phone"] = None
    asked = asyncio.run(post_one(services, del_phone))
    assert asked.slots_set == {"phone": None} and "手机号" in asked.texts[0]
    asyncio.run(services.aclose())


# --- the example project: what Rasa does with these answers ---------------------------


EXAMPLE = ROOT / "examples" / "rasa"


def _mapping_applies(mapping: dict[str, Any], active_loop: str | None, asked: str | None) -> bool:
    """Rasa 3.6's check of a mapping's conditions (ActionExtractSlots), for this test."""
    conditions = mapping.get("conditions")
    if not conditions:
        return True
    for condition in conditions:
        loop = condition.get("active_loop")
        if loop and loop == active_loop:
            wanted = condition.get("requested_slot")
            if not wanted or wanted == asked:
                return True
        if loop is None and active_loop is None:
            return True
    return False


def test_with_the_example_domain_the_deposits_answer_fills_only_deposits() -> None:
    domain = yaml.safe_load((EXAMPLE / "domain.yml").read_text("utf-8"))
    deposits = next(
        c
        for c in recorded_calls()
        if c["next_action"] == "validate_screening_form"
        and c["tracker"]["slots"].get("requested_slot") == "deposits"
    )
    message = deposits["tracker"]["latest_message"]
    entities = {e["entity"] for e in message["entities"]}
    assert entities == {"monthly_income"}  # what made Rasa overwrite the income
    filled = set()
    for name, slot in domain["slots"].items():
        for mapping in slot["mappings"]:
            if mapping["type"] == "from_entity" and mapping["entity"] not in entities:
                continue
            if mapping["type"] not in ("from_entity", "from_text"):
                continue
            if _mapping_applies(mapping, "screening_form", "deposits"):
                filled.add(name)
    assert filled == {"deposits"}
    # before any form runs, an entity still fills its slot ("我家月收入两千，能办低保吗")
    income = domain["slots"]["monthly_income"]["mappings"]
    assert any(m["type"] == "from_entity" and _mapping_applies(m, None, None) for m in income)


def test_hand_off_leaves_every_form_by_a_rule() -> None:
    domain = yaml.safe_load((EXAMPLE / "domain.yml").read_text("utf-8"))
    rules = yaml.safe_load((EXAMPLE / "data" / "rules.yml").read_text("utf-8"))["rules"]
    for form, spec in domain["forms"].items():
        assert "human_handoff" in spec["ignored_intents"], form  # "转人工" fills no slot
        [rule] = [
            r
            for r in rules
            if r.get("condition") == [{"active_loop": form}]
            and {"intent": "human_handoff"} in r["steps"]
        ]
        assert rule["steps"] == [
            {"intent": "human_handoff"},
            {"action": "action_deactivate_loop"},
            {"active_loop": None},
            {"action": "action_handoff"},
        ]


def test_endpoints_send_rasas_nlu_to_jiuzhu_serve() -> None:
    from bot.cli import build_parser

    endpoints = yaml.safe_load((EXAMPLE / "endpoints.yml").read_text("utf-8"))
    port = build_parser().parse_args(["serve"]).port
    assert endpoints["nlu"]["url"] == f"http://localhost:{port}"
