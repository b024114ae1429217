"""``action_screening``: the household slots → the screening flow's result and two slots.

The household is built by ``flows.household.build_household`` from the same answers
the screening form collects, screened by ``policies.screening.screen`` and shown by
``flows.screening.render_result``. ``screening_programs`` lists the programs that
are likely or possible, ``screening_amount`` the estimated total per month (yuan).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, cancelled, slot_int, slot_text, turn_context, utter
from actions.forms import FlowFormValidation
from flows.forms import Slot
from flows.household import build_household
from flows.screening import CONDITION_ORDER, SLOTS, render_result
from policies.household import InvalidHousehold
from policies.screening import ScreeningResult, screen

if TYPE_CHECKING:
    from services.container import Services

REQUIRED: tuple[str, ...] = ("household_size", "monthly_income")
FLOW_SLOTS = {slot.name: slot for slot in SLOTS}


def conditions(tracker: Tracker) -> list[str]:
    """``conditions`` as ids, plus what ``illness`` and ``disability_grade`` imply."""
    given = tracker.get_slot("conditions") or []
    found = {str(c) for c in (given if isinstance(given, list) else [given])}
    if slot_text(tracker, "illness"):
        found.add("serious")
    if slot_int(tracker, "disability_grade"):
        found.add("disability")
    return [c for c in CONDITION_ORDER if c in found]


def fill_conditions(tracker: Tracker, values: dict[str, Any]) -> None:
    """Conditions already read (a list), or implied by ``illness`` / ``disability_grade``;
    a typed answer ("1 3") is left to the flow's reader."""
    if isinstance(tracker.get_slot("conditions"), list) or conditions(tracker):
        values["conditions"] = conditions(tracker)


class ValidateScreeningForm(FlowFormValidation):
    """``validate_screening_form``: the screening flow's questions as a Rasa form."""

    form = "screening_form"

    def build_slots(self) -> dict[str, Slot]:
        return dict(FLOW_SLOTS)

    def special(self, tracker: Tracker, values: dict[str, Any]) -> None:
        fill_conditions(tracker, values)


async def household_values(
    services: Services, tracker: Tracker
) -> tuple[dict[str, Any], dict[str, str]]:
    """The screening form's answers from the slots, and the reasons for refused ones."""
    values, problems = await ValidateScreeningForm(services).answers(tracker)
    age = slot_int(tracker, "age")
    if "ages" not in values and age is not None:
        values["age"] = age  # only the applicant's age: build_household repeats it
    return values, problems


def result_slots(result: ScreeningResult) -> list[dict[str, Any]]:
    fitting = [p for p in result.programs if p.status in ("likely", "possible")]
    amounts = [p.monthly_amount for p in fitting if p.monthly_amount]
    return [
        SlotSet("screening_programs", [p.program for p in fitting]),
        SlotSet("screening_amount", round(sum(amounts), 2) if amounts else None),
    ]


class ActionScreening(JiuzhuAction):
    def name(self) -> str:
        return "action_screening"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if cancelled(tracker):  # 取消 left the form: nothing to do
            return []
        values, problems = await household_values(self.services, tracker)
        events: list[dict[str, Any]] = []
        for name, problem in problems.items():
            dispatcher.utter_message(text=problem)
            events.append(SlotSet(name, None))
        missing = [name for name in REQUIRED if name not in values]
        if missing:
            ValidateScreeningForm(self.services).ask(dispatcher, missing[0], values)
            return events
        ctx = turn_context(self.services, tracker)
        household = build_household(values, self.region)
        try:
            result = screen(household, today=dt.date.today())
        except InvalidHousehold as problem:
            utter(dispatcher, [ctx.say("screening.invalid", problem=problem.errors[0].message)])
            return events
        utter(dispatcher, render_result(ctx, result))
        return [*events, *result_slots(result)]
