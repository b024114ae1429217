"""``examples/rasa`` checked against the action server, without Rasa: every action, form,
slot, intent and entity it names exists, and the forms are the validated ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions import CONTRACT_ACTIONS
from actions.forms import FlowFormValidation
from actions.server import DEFAULT_PORT, actions
from actions.slots import ALL_SLOTS, CONTRACT_SLOTS
from base.settings import Settings
from bot.cli import build_parser
from flows import identity
from nlu.types import INTENTS
from services.container import Services

EXAMPLE = Path(__file__).parents[2] / "examples" / "rasa"
RASA_BUILTIN_ACTIONS = {
    "action_listen",
    "action_restart",
    "action_session_start",
    "action_deactivate_loop",
}
RASA_BUILTIN_SLOTS = {"requested_slot"}
RASA_BUILTIN_INTENTS = {"nlu_fallback"}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLE / name).read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    database = tmp_path_factory.mktemp("registry") / "unused.db"
    services = Services(Settings(database_url=f"sqlite:///{database}", redis_url=None))
    return {action.name(): action for action in actions(services)}


DOMAIN = load("domain.yml")
RULES = load("data/rules.yml")["rules"]
STORIES = load("data/stories.yml")["stories"]


def steps() -> Iterator[dict[str, Any]]:
    for item in [*RULES, *STORIES]:
        yield from item.get("condition", [])
        yield from item["steps"]


def test_the_domain_names_only_registered_actions(registry: dict[str, Any]) -> None:
    assert set(DOMAIN["actions"]) <= set(registry)
    assert set(CONTRACT_ACTIONS) <= set(DOMAIN["actions"])


def test_rules_and_stories_run_only_known_actions() -> None:
    known = (
        set(DOMAIN["actions"])
        | set(DOMAIN["forms"])
        | set(DOMAIN["responses"])
        | RASA_BUILTIN_ACTIONS
    )
    used = {step["action"] for step in steps() if "action" in step}
    assert used <= known, used - known
    # Every contract action that a conversation needs is used somewhere.
    assert set(CONTRACT_ACTIONS) - {"validate_application_form"} <= used


def test_slots_are_the_contract_and_documented_ones() -> None:
    assert set(DOMAIN["slots"]) == set(ALL_SLOTS)
    assert set(CONTRACT_SLOTS) <= set(DOMAIN["slots"])
    set_in_steps = {
        name
        for step in steps()
        for change in step.get("slot_was_set", [])
        for name in (change if isinstance(change, dict) else {change: None})
    }
    assert set_in_steps <= set(DOMAIN["slots"]) | RASA_BUILTIN_SLOTS


def test_intents_and_entities_are_known() -> None:
    assert DOMAIN["intents"] == list(INTENTS)
    used = {step["intent"] for step in steps() if "intent" in step}
    assert used <= set(INTENTS) | RASA_BUILTIN_INTENTS
    nlu = load("data/nlu.yml")["nlu"]
    assert {item["intent"] for item in nlu if "intent" in item} == set(INTENTS)
    entities = set(DOMAIN["entities"])
    for step in steps():
        for entity in step.get("entities", []):
            assert set(entity) <= entities
    for item in nlu:
        if "regex" in item:
            assert item["regex"] in entities
    for slot in DOMAIN["slots"].values():
        for mapping in slot["mappings"]:
            if mapping["type"] == "from_entity":
                assert mapping["entity"] in entities


@pytest.mark.parametrize("form", sorted(DOMAIN["forms"]))
def test_forms_are_validated_and_asked_by_the_server(registry: dict[str, Any], form: str) -> None:
    validation = registry[f"validate_{form}"]
    assert isinstance(validation, FlowFormValidation)
    required = DOMAIN["forms"][form]["required_slots"]
    assert set(required) <= set(validation.flow_slots()), set(required) - set(
        validation.flow_slots()
    )
    for slot in required:
        assert f"action_ask_{form}_{slot}" in registry
        assert f"action_ask_{form}_{slot}" in DOMAIN["actions"]
        mappings = DOMAIN["slots"][slot]["mappings"]
        # Filled while the form asks for it: a from_text for this form, or an entity.
        assert any(
            any(c.get("active_loop") == form for c in m.get("conditions", []))
            or (m["type"] == "from_entity" and not m.get("conditions"))
            for m in mappings
        ), slot


def test_the_application_form_checks_the_applicant(registry: dict[str, Any]) -> None:
    required = DOMAIN["forms"]["application_form"]["required_slots"]
    assert {"name", "id_number", "phone", "place"} <= set(required)
    assert {"commitment", "authorisation"} <= set(required)
    slots = registry["validate_application_form"].flow_slots()
    # The apply flow's own checks, not copies of them.
    assert slots["name"].validate is identity.name_problem
    assert slots["id_number"].validate is identity.id_problem
    assert slots["phone"].validate is identity.phone_check


def test_endpoints_point_at_the_action_server() -> None:
    url = load("endpoints.yml")["action_endpoint"]["url"]
    assert url.endswith(f":{DEFAULT_PORT}/webhook")


def test_jiuzhu_actions_command() -> None:
    args = build_parser().parse_args(["actions"])
    assert args.port == DEFAULT_PORT
    assert build_parser().parse_args(["actions", "--port", "6000"]).port == 6000
