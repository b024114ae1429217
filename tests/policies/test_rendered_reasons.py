"""Every reason and next step of the policy test cases renders exactly as it did before
the rules' texts moved to the one text mechanism (``base.texts``, Jinja): the expected
texts in ``data/rendered_reasons.json`` were written once by the rule engine's own
``{name}`` templates (main's code, 2026-12-02) and are never regenerated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from base.datafiles import load_yaml
from policies.screening import screen

CASES_DIR = Path(__file__).resolve().parents[2] / "policies" / "tests"
EXPECTED: dict[str, Any] = json.loads(
    (Path(__file__).with_name("data") / "rendered_reasons.json").read_text(encoding="utf-8")
)


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = load_yaml(path)
        for case in data["cases"]:
            if "invalid" in case:
                continue
            name = f"{path.stem}: {case['name']}"
            household = {**data.get("defaults", {}), **case["household"]}
            found.append(pytest.param(name, household, id=name))
    return found


CASES = _cases()


def test_every_case_was_written_down() -> None:
    assert sorted(param.values[0] for param in CASES) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "household"), CASES)
def test_reasons_and_next_steps_render_as_before(name: str, household: dict[str, Any]) -> None:
    result = screen(household)
    got = {p.program: {"reasons": p.reasons, "next_steps": p.next_steps} for p in result.programs}
    assert got == EXPECTED[name]


def test_two_facts_of_one_group_in_one_text() -> None:
    """No shipped text names two nested facts yet; the second must not hide the first."""
    from policies.engine import _template
    from policies.rulelang import Scope

    scope = Scope(Path("programs.yml"), names={"assets.deposits", "assets.houses", "members"})
    text = _template(
        "{{ members }}人，存款{{ assets.deposits }}元，住房{{ assets.houses }}套", scope, "t"
    )
    values = {"members": 3, "assets.deposits": 5000.0, "assets.houses": 2}
    assert text.render(values, {}) == "3人，存款5000元，住房2套"
