"""口述办: the facts of a resident's account, as a staff member typed it, and the case.

One service for the chat intake flow and the staff console: both call
``extract_facts`` on the pasted account, show every fact found, ask only for
``missing_fields``, and create the application with ``submit_intake``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from flows.household import build_household
from flows.texts import texts
from nlu.entities import extract_entities
from nlu.normalize import normalize
from nlu.places import match_place
from nlu.validators import id_number_problem, phone_problem
from services.chat import intake_channel

if TYPE_CHECKING:
    from backend.schemas import CaseOutcome, StaffPublic
    from backend.service import Backend

INTAKE_CHANNEL: str = intake_channel()
_ID_LIKE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


class IntakeFacts(BaseModel):
    """What an account says about the applicant and the household; None = not said."""

    name: str | None = None
    name_hint: str | None = Field(default=None, description="称呼（如 王大爷），不能代替姓名")
    id_number: str | None = None
    phone: str | None = None
    age: int | None = None
    household_size: int | None = None
    monthly_income: float | None = None
    residence: str | None = None  # urban | rural
    township: str | None = None
    village: str | None = None
    programs: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)  # serious, disability, student, unemployed
    illness: list[str] = Field(default_factory=list)
    disability_grade: int | None = None


def _words() -> dict[str, Any]:
    return texts().raw("intake_words.words")


def field_labels() -> dict[str, str]:
    labels: dict[str, str] = texts().raw("intake_words.labels")
    return labels


def required_fields() -> list[str]:
    required: list[str] = texts().raw("intake_words.required")
    return required


def missing_fields(facts: IntakeFacts) -> list[str]:
    """Required facts the account did not give (or gave in a form that cannot be used)."""
    missing = []
    for name in required_fields():
        value = getattr(facts, name)
        if value in (None, "", []):
            missing.append(name)
    return missing


def problems(facts: IntakeFacts) -> dict[str, str]:
    """Facts given but invalid (a bad ID checksum…), with the reason in Chinese."""
    found: dict[str, str] = {}
    if facts.id_number and (reason := id_number_problem(facts.id_number)):
        found["id_number"] = reason
    if facts.phone and (reason := phone_problem(facts.phone)):
        found["phone"] = reason
    return found


def extract_name(text: str) -> tuple[str | None, str | None]:
    """(full name, form of address) from an account: "王建国，68岁" / "王大爷68岁独居"."""
    words = _words()
    marked = re.search(r"(?:姓名|名字|名叫|叫做|叫)[:：是\s]*([\u4e00-\u9fa5]{2,4})", text)
    if marked:
        return marked.group(1), None
    surnames: str = words["surnames"]
    honorifics = "|".join(words["honorifics"])
    start = re.match(
        rf"\s*(?:申请人|居民|村民)?[:：\s]*([\u4e00-\u9fa5]{{1,2}}?)({honorifics})", text
    )
    if start and start.group(1)[0] in surnames:
        return None, start.group(1) + start.group(2)
    leading = re.match(
        r"\s*(?:申请人|居民|村民)?[:：\s]*([\u4e00-\u9fa5]{2,3})(?=[，,。\s、\d（(男女])", text
    )
    if leading and leading.group(1)[0] in surnames:
        return leading.group(1), None
    return None, None


def extract_facts(text: str, region_id: str) -> IntakeFacts:
    """Every fact the account gives, with the same NLU the chat uses."""
    words = _words()
    facts = IntakeFacts()
    facts.name, facts.name_hint = extract_name(text)
    for found in extract_entities(text):
        if found.entity == "id_number" and facts.id_number is None:
            facts.id_number = str(found.value)
        elif found.entity == "phone" and facts.phone is None:
            facts.phone = str(found.value)
        elif found.entity == "age" and facts.age is None:
            facts.age = int(found.value)
        elif found.entity == "household_size" and facts.household_size is None:
            facts.household_size = int(found.value)
        elif found.entity == "monthly_income" and facts.monthly_income is None:
            facts.monthly_income = float(found.value)
        elif found.entity == "program" and found.value not in facts.programs:
            facts.programs.append(str(found.value))
        elif found.entity == "illness" and found.value not in facts.illness:
            facts.illness.append(str(found.value))
        elif found.entity == "disability_grade" and facts.disability_grade is None:
            facts.disability_grade = int(found.value)
    plain = normalize(text).text
    if facts.id_number is None and (raw_id := _ID_LIKE.search(plain)):
        facts.id_number = raw_id.group().upper()  # kept so its problem can be shown
    if facts.household_size is None and any(w in plain for w in words["alone"]):
        facts.household_size = 1
    place = match_place(text, region_id)
    if place is not None:
        facts.township, facts.village = place.township, place.village
    if facts.village:
        facts.residence = "rural" if facts.village.endswith("村") else "urban"
    # The same words as self-screening, so both read an account the same way.
    for item in texts().raw("screening_words.words")["conditions"]:
        if item["value"] != "none" and any(w in plain for w in item["words"]):
            facts.conditions.append(item["value"])
    if facts.disability_grade and "disability" not in facts.conditions:
        facts.conditions.append("disability")
    if facts.age is None and facts.id_number and not id_number_problem(facts.id_number):
        facts.age = age_from_id(facts.id_number, dt.date.today())
    return facts


def age_from_id(id_number: str, today: dt.date) -> int:
    born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def intake_household(facts: IntakeFacts, region_id: str) -> dict[str, Any]:
    """The household of domain.md for screening and the case snapshot."""
    values: dict[str, Any] = {
        "residence": facts.residence or "urban",
        "household_size": facts.household_size or 1,
        "monthly_income": facts.monthly_income or 0,
        "conditions": facts.conditions,
        "condition_holder": "self",
        "disability_grade": facts.disability_grade,
    }
    if facts.age is not None:
        values["ages"] = [facts.age]
    return build_household(values, region_id)


def submit_intake(
    backend: Backend,
    facts: IntakeFacts,
    staff: StaffPublic,
    consents: list[tuple[str, str]],
    region_id: str,
) -> CaseOutcome:
    """Create the application recorded by ``staff`` (channel 口述办)."""
    from policies.screening import screen

    household = intake_household(facts, region_id)
    result = screen(household)
    programs = facts.programs or [p.program for p in result.programs if p.status == "likely"][:1]
    return backend.create_case(
        "application",
        programs=programs or ["dibao"],
        applicant={"name": facts.name or "", "id_number": facts.id_number, "phone": facts.phone},
        channel=INTAKE_CHANNEL,
        township=facts.township or "",
        village=facts.village or "",
        household=household,
        screening=result.model_dump(mode="json"),
        recorded_by=staff.id,
        consents=consents,
        summary=texts()("intake.case_summary", facts=facts),
    )
