"""Rasa hand-off is a conversation too (rasa-demo #292): ``action_handoff`` attaches the
sender; ``action_handoff_message`` adds each message to the case until 回到小助手, the
case closed, or an emergency (which goes to ``action_urgent_help``)."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from nlu.types import INTENTS
from tests.actions.conftest import ActionServer, slot_sets, texts_of

EXAMPLE = Path(__file__).parents[2] / "examples" / "rasa"


def test_a_handoff_in_rasa_is_a_conversation(server: ActionServer, api: TestClient) -> None:
    sender = "rasa-handoff-1"
    opened = server.run("action_handoff", sender=sender, text="转人工", intent="human_handoff")
    slots = slot_sets(opened)
    case_no = slots["handoff_case"]
    assert slots["handoff_on"] is True and "已经帮您转给工作人员" in texts_of(opened)[0]

    said = server.run(
        "action_handoff_message",
        sender=sender,
        slots=slots,
        text="我想问低保，电话13812345678",
        intent="ask_eligibility",
    )
    assert "已转给工作人员" in texts_of(said)[0] and slot_sets(said) == {}
    lines = api.get(f"/api/cases/{case_no}/messages").json()
    assert [(line["by"], line["text"]) for line in lines] == [
        ("resident", "我想问低保，电话138****5678")
    ]

    danger = server.run(
        "action_handoff_message", sender=sender, slots=slots, text="我爸晕倒了叫不醒"
    )
    assert {"event": "followup", "name": "action_urgent_help"} in [
        {k: e.get(k) for k in ("event", "name")} for e in danger["events"]
    ]
    assert slot_sets(danger)["handoff_on"] is False

    ended = server.run("action_handoff_message", sender=sender, slots=slots, text="回到小助手")
    assert "回到小助手" in texts_of(ended)[0] and slot_sets(ended)["handoff_on"] is False

    api.post(f"/api/cases/{case_no}/transitions", json={"to": "closed"})
    closed = server.run("action_handoff_message", sender=sender, slots=slots, text="还在吗")
    assert "办结" in texts_of(closed)[0] and slot_sets(closed)["handoff_case"] is None
    assert len(api.get(f"/api/cases/{case_no}/messages").json()) == 1


def test_the_example_routes_every_intent_to_the_case_while_attached() -> None:
    rules = yaml.safe_load((EXAMPLE / "data" / "handoff.yml").read_text("utf-8"))["rules"]
    routed = {rule["steps"][0]["intent"] for rule in rules}
    assert routed == (set(INTENTS) - {"human_handoff", "urgent_help"}) | {"nlu_fallback"}
    for rule in rules:
        assert rule["condition"] == [{"slot_was_set": [{"handoff_on": True}]}]
        assert rule["steps"][1] == {"action": "action_handoff_message"}
    domain = yaml.safe_load((EXAMPLE / "domain.yml").read_text("utf-8"))
    assert "action_handoff_message" in domain["actions"]
    assert domain["slots"]["handoff_on"]["type"] == "bool"
