"""The 口述办 fact extractor: every fact a staff member's account of a resident gives.

It is ``nlu.facts.extract_facts`` — THE fact extractor, the one the chat forms read every
message with — shaped for the use-case (``IntakeFacts`` below): the flat
facts staff check and complete, and in ``household`` the answers the household is
built from member by member (``services.household``), in the shape the chat forms
keep them. A 身份证号 whose check character is wrong is kept, so its problem is shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from nlu.answers.reading import fact_json
from nlu.facts import extract_facts as read_facts
from nlu.finders.identity import digit_runs
from nlu.validators import id_number_problem

# The facts of ``extract_facts`` that the household answers keep as they are.
HOUSEHOLD_KEYS = ("residence", "household_size", "ages", "relations", "monthly_income",
                  "medical", "education", "deposits", "debt", "vehicles", "houses",
                  "supporters_able", "hardship_event", "one_off_cost", "parents_unable")  # fmt: skip
KINDS = ("ill", "disabled", "students", "unemployed")
CONDITION_IDS = {"ill": "serious", "disabled": "disability", "students": "student",
                 "unemployed": "unemployed"}  # fmt: skip


def household_answers(facts: dict[str, Any]) -> dict[str, Any]:
    """The household answers (as the chat forms keep them) the facts give."""
    answers = {key: fact_json(facts[key]) for key in HOUSEHOLD_KEYS if key in facts}
    conditions = {kind: fact_json(facts[kind]) for kind in KINDS if kind in facts}
    if conditions:
        answers["conditions"] = conditions
    if "disability_grade" in facts:
        answers["disability_grade"] = facts["disability_grade"]
    approx = {key: rule for key, rule in (facts.get("approx") or {}).items() if key in answers}
    if approx:
        answers["_approx"] = approx  # "一百多块" is shown as 约100元, not as an exact 100
    return answers


def _typed_id(text: str) -> str | None:
    """An 18-character run typed as a 身份证号, valid or not (its problem is shown)."""
    for run in digit_runs(text):
        if len(run) == 18:
            return run.upper()
    return None


class IntakeFacts(BaseModel):
    """What an account says about the applicant and the household; None = not said.
    Each field's title is how staff see it named."""

    name: str | None = Field(default=None, title="姓名")
    name_hint: str | None = Field(
        default=None, title="称呼", description="称呼（如 王大爷），不能代替姓名"
    )
    id_number: str | None = Field(default=None, title="身份证号")
    phone: str | None = Field(default=None, title="手机号")
    # A resident without a mobile: the landline, or who staff call instead (村部, 录入人)
    contact: str | None = Field(default=None, title="联系方式")
    age: int | None = Field(default=None, title="年龄")
    household_size: int | None = Field(default=None, title="家庭人数")
    monthly_income: float | None = Field(default=None, title="家庭月收入（元）")
    residence: str | None = Field(default=None, title="城镇/农村")  # urban | rural
    township: str | None = Field(default=None, title="乡镇（街道）")
    village: str | None = Field(default=None, title="村（社区）")
    programs: list[str] = Field(default_factory=list, title="申请项目")
    # serious, disability, student, unemployed
    conditions: list[str] = Field(default_factory=list, title="特殊情况")
    illness: list[str] = Field(default_factory=list, title="疾病")
    disability_grade: int | None = Field(default=None, title="残疾等级")
    # The household member by member, as the chat forms keep the answers (ages, who is
    # ill or disabled, money, assets …): what ``services.household`` builds it from.
    household: dict[str, Any] = Field(default_factory=dict, exclude=False)


def extract_facts(text: str, region_id: str) -> IntakeFacts:
    """Every fact the account gives, read by ``nlu.facts.extract_facts``."""
    found = read_facts(text, region_id)
    ages = list(found.get("ages") or [])
    income = found.get("monthly_income")
    id_number = found.get("id_number") or _typed_id(text)
    age = ages[0] if ages else None
    if age is None and id_number and not id_number_problem(id_number):
        age = age_from_id(id_number, dt.date.today())
    grade = found.get("disability_grade")
    if grade is None:
        grades = [d.get("grade") for d in found.get("disabled") or [] if d.get("grade")]
        grade = grades[0] if grades else None
    return IntakeFacts(
        name=found.get("name"),
        name_hint=found.get("name_hint"),
        id_number=id_number,
        phone=found.get("phone"),
        age=age,
        household_size=found.get("household_size"),
        monthly_income=float(income) if isinstance(income, int | float) else None,
        residence=found.get("residence"),
        township=found.get("township"),
        village=found.get("village"),
        programs=list(found.get("programs") or []),
        conditions=[CONDITION_IDS[kind] for kind in KINDS if found.get(kind)],
        illness=list(found.get("illness") or []),
        disability_grade=grade if isinstance(grade, int) else None,
        household=household_answers(found),
    )


def age_from_id(id_number: str, today: dt.date) -> int:
    born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
