"""Turn the answers of a conversation into the household of domain.md, and back.

Shared by self-screening, applying and staff intake, so the three ask the same
questions and build the same household.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

UNKNOWN = "unknown"  # an answer of 不清楚: the fact stays unknown, never 0

CONDITIONS = ("serious", "disability", "student", "unemployed")


def _student_stage(age: int) -> str:
    if age < 6:
        return "preschool"
    if age < 16:
        return "compulsory"
    if age < 19:
        return "senior_high"
    return "college"


def _known(value: Any) -> Any:
    return None if value == UNKNOWN else value


def _count(value: Any) -> int | None:
    value = _known(value)
    return None if value is None else int(value)


def build_household(
    values: dict[str, Any], region: str, on: dt.date | None = None
) -> dict[str, Any]:
    """The household dict of domain.md from the answers (flat slot values)."""
    size = int(values.get("household_size") or 1)
    ages: list[int] = list(values.get("ages") or [])
    if not ages and values.get("age") is not None:
        ages = [int(values["age"])]
    # The form asks one age per member; only a caller that skipped the question
    # (staff intake with a partial account) gets the last known age repeated.
    while len(ages) < size:
        ages.append(ages[-1] if ages else 40)
    ages = ages[:size]
    members: list[dict[str, Any]] = [
        {"age": age, "relation": "self" if index == 0 else "other"}
        for index, age in enumerate(ages)
    ]
    conditions = set(values.get("conditions") or [])
    holder = 0 if size == 1 or values.get("condition_holder", "self") == "self" else 1
    if "serious" in conditions:
        members[holder]["serious_illness"] = True
    if "disability" in conditions:
        grade = _known(values.get("disability_grade"))
        members[holder]["disability_grade"] = int(grade) if grade is not None else None
        if grade is None and not members[holder].get("serious_illness"):
            # The grade is unknown: the member still counts as disabled for the
            # living subsidy, so record the mildest grade rather than none at all.
            members[holder]["disability_grade"] = 4
    if "student" in conditions:
        young = sorted(range(size), key=lambda i: (members[i]["age"], i))
        pupil = next((i for i in young if i != 0 and members[i]["age"] <= 25), young[0])
        members[pupil]["student"] = _student_stage(members[pupil]["age"])
    if "unemployed" in conditions:
        working = [
            i
            for i in range(size)
            if 16 <= members[i]["age"] <= 59
            and not members[i].get("serious_illness")
            and not members[i].get("disability_grade")
            and members[i].get("student", "none") == "none"
        ]
        if working:
            members[working[0]]["employment"] = "unemployed"
    household: dict[str, Any] = {
        "region": region,
        "residence": values.get("residence", "urban"),
        "members": members,
        "monthly_income": float(values.get("monthly_income") or 0),
        "monthly_rigid_expenses": {
            "medical": float(_known(values.get("medical")) or 0),
            "education": float(_known(values.get("education")) or 0),
        },
        "assets": {
            "deposits": _known(values.get("deposits")),
            "vehicles": _count(values.get("vehicles")),
            "houses": _count(values.get("houses")),
        },
        "supporters_able": values.get("supporters_able") in ("yes", True),
        "hardship_event": values.get("hardship_event", "none"),
    }
    if on is not None:
        household["date"] = on.isoformat()
    return household


def applicant_without_labour(values: dict[str, Any]) -> bool:
    """Whether the applicant may lack labour capacity (so 特困 questions are worth asking)."""
    ages = values.get("ages") or ([values["age"]] if values.get("age") is not None else [])
    if ages and (ages[0] >= 60 or ages[0] < 16):
        return True
    conditions = set(values.get("conditions") or [])
    holder_is_self = int(values.get("household_size") or 1) == 1 or (
        values.get("condition_holder", "self") == "self"
    )
    return holder_is_self and bool(conditions & {"serious", "disability"})
