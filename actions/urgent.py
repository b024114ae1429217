"""``action_urgent_help``: the urgent flow from Rasa, in two steps.

First run (no ``urgent_case`` yet): the urgent case is opened at once by the flow's
own ``start`` (hotlines, 先行救助, staff notified) and what the first message already
said fills ``urgent_what`` / ``urgent_place``. ``urgent_form`` then asks the flow's
questions (``validate_urgent_form``); the second run adds the answers to the case as
the flow's note.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, slot_strings, slot_text, turn_context, utter
from actions.forms import FlowFormValidation
from flows.forms import Slot
from flows.identity import SKIP
from flows.urgent import UrgentFlow

RASA_NAMES = {"place": "urgent_place", "what": "urgent_what", "phone": "phone"}


class ValidateUrgentForm(FlowFormValidation):
    form = "urgent_form"

    def build_slots(self) -> dict[str, Slot]:
        return {RASA_NAMES[slot.name]: slot for slot in UrgentFlow.slots}


class ActionUrgentHelp(JiuzhuAction):
    def name(self) -> str:
        return "action_urgent_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        case_no = slot_text(tracker, "urgent_case")
        if not case_no:
            return await self.open(dispatcher, tracker)
        return await self.add_note(dispatcher, tracker, str(case_no))

    async def open(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        ctx = turn_context(self.services, tracker)
        replies = await UrgentFlow().start(ctx)
        values = ctx.session.form.get("values", {})
        if not values.get("case_no"):
            utter(dispatcher, replies)  # not recorded: the hotlines all the same
            return []
        utter(dispatcher, replies[:1])  # "received"; urgent_form asks the questions
        opener = values.get("from_opener", [])
        events = [SlotSet("urgent_case", values["case_no"]), SlotSet("urgent_opener", opener)]
        events += [SlotSet(RASA_NAMES[name], values[name]) for name in opener]
        return events

    async def add_note(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, case_no: str
    ) -> list[dict[str, Any]]:
        form = ValidateUrgentForm(self.services)
        values = await form.values(tracker)
        for name in ("place", "what", "phone"):
            values.setdefault(name, SKIP)
        values["case_no"] = case_no
        values["from_opener"] = [
            n for n in slot_strings(tracker, "urgent_opener") if n in RASA_NAMES
        ]
        ctx = turn_context(self.services, tracker)
        utter(dispatcher, await UrgentFlow().submit(ctx, values))
        done = ["urgent_case", "urgent_opener", "urgent_place", "urgent_what"]
        return [SlotSet(name, None) for name in done]
