"""Runs the policy tests written as data in ``policies/tests/*.yml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from base.datafiles import load_yaml
from policies.catalog import PROGRAM_IDS
from policies.household import InvalidHousehold
from policies.screening import screen

CASES_DIR = Path(__file__).resolve().parents[2] / "policies" / "tests"


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = load_yaml(path)
        for case in data["cases"]:
            household = {**data.get("defaults", {}), **case["household"]}
            found.append(pytest.param(case, household, id=f"{path.stem}: {case['name']}"))
    return found


CASES = _cases()


@pytest.mark.parametrize(("case", "household"), CASES)
def test_policy_case(case: dict[str, Any], household: dict[str, Any]) -> None:
    if "invalid" in case:
        with pytest.raises(InvalidHousehold) as refused:
            screen(household)
        fields = [error.field for error in refused.value.errors]
        assert fields == case["invalid"]
        assert all(error.message for error in refused.value.errors)
        return
    result = screen(household)
    assert [program.program for program in result.programs] == list(PROGRAM_IDS)
    for program_id, expected in case["expect"].items():
        got = result.program(program_id)
        spec = expected if isinstance(expected, dict) else {"status": expected}
        assert got.status == spec["status"], (program_id, got.reasons)
        if "amount" in spec:
            assert got.monthly_amount == spec["amount"], program_id
        assert got.reasons, f"{program_id} gives no reason"
    for name, value in case.get("facts", {}).items():
        assert result.facts[name] == value, name
    for program_id, snippets in case.get("reasons", {}).items():
        text = "\n".join(result.program(program_id).reasons)
        for snippet in snippets:
            assert snippet in text, (program_id, text)


def test_cases_cover_every_program_and_status() -> None:
    seen: dict[str, set[str]] = {program_id: set() for program_id in PROGRAM_IDS}
    invalid = 0
    for param in CASES:
        case = param.values[0]
        invalid += "invalid" in case
        for program_id, expected in case.get("expect", {}).items():
            seen[program_id].add(expected if isinstance(expected, str) else expected["status"])
    assert len(CASES) >= 60
    assert invalid >= 5
    for program_id, statuses in seen.items():
        # housing is never likely: it always needs a local housing check
        wanted = {"possible", "unlikely"} if program_id == "housing" else {"likely", "unlikely"}
        assert wanted <= statuses, program_id
