"""Applying from Rasa: ``validate_application_form`` and ``action_submit_application``.

The form's slots are the apply flow's slots (``flows.apply``): the same 姓名, 身份证号
checksum, phone and place checks with the same reasons, the same household
questions, and the two consents (告知承诺, 核对授权) that must each be agreed. The
case is filed by the application use-case (``services.applications``) — the same
request the chat makes, channel from the tracker's input channel, the sender kept on
the case — and the reply is the chat's.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, cancelled, turn_context, utter
from actions.forms import FlowFormValidation
from actions.screening import fill_conditions
from backend.programs import program_name
from flows.applicant import place_filled
from flows.apply import ApplyFlow, application_replies, application_request
from flows.forms import Slot
from flows.household import build_household
from flows.texts import texts
from services.consents import APPLICATION_CONSENTS

# design.md, contract "Rasa action server": the slots of ``application_form``.
CONTRACT_FORM_SLOTS = ("program", "name", "id_number", "phone", "place", "residence")
# Household facts without which a household cannot be screened.
SCREENABLE = ("monthly_income",)


class ValidateApplicationForm(FlowFormValidation):
    form = "application_form"

    def build_slots(self) -> dict[str, Slot]:
        return {slot.name: slot for slot in ApplyFlow(self.services.region).slots}

    def special(self, tracker: Tracker, values: dict[str, Any]) -> None:
        fill_conditions(tracker, values)

    def to_rasa(self, name: str, value: Any) -> dict[str, Any]:
        if name == "place":  # {"township", "village"}: the village is its own slot
            return {"place": value["township"], "village": value.get("village")}
        if name == "program" and isinstance(value, list):  # several: kept as their names,
            return {"program": "、".join(program_name(p) for p in value)}  # read back as all
        return {name: value}

    async def answers(
        self, tracker: Tracker, skip: str = ""
    ) -> tuple[dict[str, Any], dict[str, str]]:
        values, problems = await super().answers(tracker, skip)
        village = values.get("village")
        if "place" in values:
            place_filled(values)  # a place that named its village fills it …
            if village and not values.get("village"):
                values["village"] = village  # … and a village chosen later stays
        return values, problems


class ActionSubmitApplication(JiuzhuAction):
    def name(self) -> str:
        return "action_submit_application"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if cancelled(tracker):  # 取消 left the form: nothing is filed
            return []
        form = ValidateApplicationForm(self.services)
        values, problems = await form.answers(tracker)
        declared = set((domain or {}).get("slots") or {}) or set(form.flow_slots())
        for name, slot in form.flow_slots().items():
            demanded = name in CONTRACT_FORM_SLOTS or (
                name in declared and (name in APPLICATION_CONSENTS or name == "village")
            )
            if demanded and slot.name not in values and slot.wanted(values):
                if problems.get(name):
                    reason = problems[name]
                    dispatcher.utter_message(text=texts()("actions.not_submitted", reason=reason))
                form.ask(dispatcher, name, values)
                return [SlotSet(name, None)]
        ctx = turn_context(self.services, tracker)
        request = application_request(ctx, values)
        complete = all(values.get(k) is not None for k in SCREENABLE) and bool(
            values.get("household_size") or values.get("ages")
        )
        changes: dict[str, Any] = {}
        if not complete:
            changes.update(screen=False, household=partial_household(values, self.region))
        if not any(kind in declared for kind in APPLICATION_CONSENTS):
            changes["consents_in_person"] = True
        if changes:
            request = request.model_copy(update=changes)
        outcome = await self.services.run(self.services.applications.submit, request)
        utter(dispatcher, application_replies(ctx, outcome))
        return [SlotSet("case_number", outcome.cases[0].case_no)] if outcome.cases else []


def partial_household(values: dict[str, Any], region: str) -> dict[str, Any]:
    """The household facts given, and no others (no income of 0 for an income not said)."""
    household: dict[str, Any] = {"region": region, "residence": values.get("residence", "urban")}
    if values.get("household_size") or values.get("ages"):
        household["members"] = build_household(values, region)["members"]
    if values.get("monthly_income") is not None:
        household["monthly_income"] = float(values["monthly_income"])
    return household
