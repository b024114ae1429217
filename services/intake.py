"""Record intake (口述办): a staff member types what a resident said; the facts found come
back to be checked and completed; the application is filed as 口述办 with the staff
member as recorder. One use-case for the chat (``flows/staff.py``) and the console.

The region rule is checked here, once: a caseworker files only for their own township
(乡镇街道), an administrator anywhere. The fact extractor is a seam
(``FactExtractor``): ``services.intake_facts``, over the one in ``nlu/facts.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from base.datafiles import load_yaml
from nlu.validators import id_number_problem, phone_problem
from services.access import covers
from services.applications import (
    ApplicationOutcome,
    ApplicationRequest,
    Applications,
    likely_programs,
)
from services.chat import intake_channel
from services.household import build_household
from services.intake_facts import IntakeFacts, extract_facts
from services.wording import wording

if TYPE_CHECKING:
    from backend.schemas import StaffPublic

INTAKE_FILE = Path(__file__).with_name("intake.yml")
FALLBACK_PROGRAM = "dibao"  # nothing named and nothing likely: 低保, as staff would


FactExtractor = Callable[[str, str], IntakeFacts]  # (account, region id) → facts


def field_labels() -> dict[str, str]:
    """Field → how staff see it named (the name hint is shown on its own)."""
    return {
        name: str(field.title)
        for name, field in IntakeFacts.model_fields.items()
        if field.title and name != "name_hint"
    }


@lru_cache(maxsize=1)
def required_fields() -> list[str]:
    required: list[str] = load_yaml(INTAKE_FILE)["required"]
    return required


def missing_fields(facts: IntakeFacts) -> list[str]:
    """Required facts the account did not give (or gave in a form that cannot be used)."""
    return [
        name
        for name in required_fields()
        if getattr(facts, name) in (None, "", [])
        and not (name == "phone" and facts.contact)  # a landline, or 联系村部
    ]


def problems(facts: IntakeFacts) -> dict[str, str]:
    """Facts given but invalid (a bad ID checksum…), with the reason in Chinese."""
    found: dict[str, str] = {}
    if facts.id_number and (reason := id_number_problem(facts.id_number)):
        found["id_number"] = reason
    if facts.phone and (reason := phone_problem(facts.phone)):
        found["phone"] = reason
    return found


def intake_household(facts: IntakeFacts, region_id: str) -> dict[str, Any]:
    """The household of domain.md for screening and the case snapshot: the household
    answers, with what staff checked or corrected (the flat facts) winning."""
    values: dict[str, Any] = dict(facts.household)
    values.update(
        {
            "residence": facts.residence or values.get("residence") or "urban",
            "household_size": facts.household_size or values.get("household_size") or 1,
            "monthly_income": (
                facts.monthly_income
                if facts.monthly_income is not None
                else values.get("monthly_income", 0)
            ),
        }
    )
    if not values.get("conditions") and facts.conditions:
        values["conditions"] = facts.conditions
        values["condition_holder"] = "self"
        values["disability_grade"] = facts.disability_grade
    ages = list(values.get("ages") or [])
    if facts.age is not None and (not ages or ages[0] != facts.age):
        values["ages"] = [facts.age, *ages[1:]]
        values.pop("relations", None)
    if len(values.get("ages") or []) != values["household_size"]:
        values.pop("relations", None)
    return build_household(values, region_id)


class IntakeCheck(BaseModel):
    facts: IntakeFacts
    missing: list[str] = Field(default_factory=list)
    problems: dict[str, str] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.problems


IntakeResult = Literal[
    "filed",  # see ``application`` for each program's case
    "not_a_person",  # the environment admin token is nobody to record as the recorder
    "outside_region",  # a caseworker filing for another township
    "incomplete",  # required facts missing or wrong (see ``check``)
    "missing_consents",  # the 告知承诺 / 授权 were not read out and agreed
    "invalid_household",  # the household cannot be screened (see ``problem``)
]


class IntakeOutcome(BaseModel):
    result: IntakeResult
    application: ApplicationOutcome | None = None
    region: str | None = None  # the caseworker's own township, when outside it
    check: IntakeCheck | None = None
    problem: str | None = None


class Intake:
    def __init__(
        self, applications: Applications, region_id: str, extractor: FactExtractor | None = None
    ) -> None:
        self.applications = applications
        self.region_id = region_id
        self._extractor = extractor

    @property
    def extractor(self) -> FactExtractor:
        if self._extractor is None:
            self._extractor = extract_facts
        return self._extractor

    def extract(self, account: str) -> IntakeFacts:
        """Every fact the account gives."""
        return self.extractor(account, self.region_id)

    def check(
        self, facts: IntakeFacts, extra_problems: dict[str, str] | None = None
    ) -> IntakeCheck:
        """The facts with the required ones still missing and the values that are wrong."""
        found = {**problems(facts), **(extra_problems or {})}
        return IntakeCheck(facts=facts, missing=missing_fields(facts), problems=found)

    def may_file(self, staff: StaffPublic, township: str | None) -> bool:
        """The region rule: a caseworker only for their own township, an admin anywhere."""
        return covers(staff, township)

    def record(
        self, staff: StaffPublic, facts: IntakeFacts, agreed: Sequence[str]
    ) -> IntakeOutcome:
        """File the application ``staff`` recorded (channel 口述办): one case per program
        named, else the one the screening finds most likely."""
        if staff.id is None:
            return IntakeOutcome(result="not_a_person")
        checked = self.check(facts)
        if not checked.ok:
            return IntakeOutcome(result="incomplete", check=checked)
        if not self.may_file(staff, facts.township):
            return IntakeOutcome(result="outside_region", region=staff.region)
        household = intake_household(facts, self.region_id)
        programs = list(facts.programs)
        if not programs:
            from policies.household import InvalidHousehold

            try:
                screening = self.applications.screen(household, dt.date.today())
            except InvalidHousehold as problem:
                return IntakeOutcome(result="invalid_household", problem=problem.errors[0].message)
            programs = list(likely_programs(screening.model_dump(mode="json")))[:1]
        outcome = self.applications.submit(
            ApplicationRequest(
                programs=programs or [FALLBACK_PROGRAM],
                applicant={
                    "name": facts.name or "",
                    "id_number": facts.id_number,
                    "phone": facts.phone,
                },
                township=facts.township or "",
                village=facts.village or "",
                household=household,
                channel=intake_channel(),
                recorded_by=staff.id,
                agreed=list(agreed),
                summary=wording()("summaries.intake", facts=facts),
            )
        )
        if outcome.missing_consents:
            return IntakeOutcome(result="missing_consents", application=outcome)
        if outcome.problem:
            return IntakeOutcome(
                result="invalid_household", application=outcome, problem=outcome.problem
            )
        return IntakeOutcome(result="filed", application=outcome)
