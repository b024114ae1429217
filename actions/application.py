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

from actions.context import JiuzhuAction, turn_context, utter
from actions.forms import FlowFormValidation
from actions.screening import fill_conditions
from backend.programs import program_name
from flows.applicant import place_filled
from flows.apply import ApplyFlow, application_replies, application_request
from flows.forms import Slot
from flows.texts import texts


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
        form = ValidateApplicationForm(self.services)
        values, missing, problem = await form.missing(tracker)
        if missing is not None:
            if problem:
                dispatcher.utter_message(text=texts()("actions.not_submitted", reason=problem))
            form.ask(dispatcher, missing, values)
            return [SlotSet(missing, None)]
        ctx = turn_context(self.services, tracker)
        request = application_request(ctx, values)
        outcome = await self.services.run(self.services.applications.submit, request)
        utter(dispatcher, application_replies(ctx, outcome))
        return [SlotSet("case_number", outcome.cases[0].case_no)] if outcome.cases else []
