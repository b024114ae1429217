"""口述办 facts to and from the editable HTML form (one field per ``IntakeFacts`` field)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.intake import IntakeFacts, missing_fields, problems

NUMBERS = {
    "age": (0, 120),
    "household_size": (1, 20),
    "monthly_income": (0, 10_000_000),
    "disability_grade": (1, 4),
}
TEXTS = ("name", "id_number", "phone", "township", "village")
CHOICES = ("residence",)
LISTS = ("programs", "conditions")


@dataclass
class CheckedFacts:
    facts: IntakeFacts
    missing: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.problems


def check(facts: IntakeFacts, extra_problems: dict[str, str] | None = None) -> CheckedFacts:
    """The facts with the required fields still missing and the values that are wrong."""
    found = {**problems(facts), **(extra_problems or {})}
    return CheckedFacts(facts=facts, missing=missing_fields(facts), problems=found)


def _number(name: str, raw: str, wrong: dict[str, str]) -> float | None:
    raw = raw.strip().replace(",", "").replace("，", "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        wrong[name] = "请填写数字"
        return None
    low, high = NUMBERS[name]
    if not low <= value <= high:
        wrong[name] = f"应在 {low} 到 {high} 之间"
        return None
    return value


def from_form(form: Any, allowed_programs: set[str], allowed_conditions: set[str]) -> CheckedFacts:
    """Read the edited form (a Starlette ``FormData``); unknown choices are dropped."""
    wrong: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in TEXTS:
        text = str(form.get(name) or "").strip()
        values[name] = text.upper() if name == "id_number" else text
        values[name] = values[name] or None
    for name in NUMBERS:
        number = _number(name, str(form.get(name) or ""), wrong)
        values[name] = number if name == "monthly_income" or number is None else int(number)
    residence = str(form.get("residence") or "")
    values["residence"] = residence if residence in ("urban", "rural") else None
    values["programs"] = [p for p in form.getlist("programs") if p in allowed_programs]
    values["conditions"] = [c for c in form.getlist("conditions") if c in allowed_conditions]
    illness = str(form.get("illness") or "").replace("，", "、").replace(",", "、")
    values["illness"] = [part.strip() for part in illness.split("、") if part.strip()]
    return check(IntakeFacts(**values), wrong)
