"""``action_urgent_help``: the urgent flow from Rasa, in two steps.

First run (no ``urgent_case`` yet): the urgent case is opened at once by the chat-case
use-case (``services.chat``: hotlines, 先行救助, staff notified) and what the first
message already said fills ``urgent_what`` / ``urgent_place``. ``urgent_form`` then asks
the flow's questions (``validate_urgent_form``); the second run adds the answers to the
case as a note, worded as the chat words it.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, cancelled, slot_strings, slot_text, turn_context, utter
from actions.forms import FlowFormValidation
from flows.forms import Slot
from flows.hours import answered
from flows.identity import SKIP
from flows.urgent import UrgentFlow, fitted, life_lines, opener_fills, opening, urgent_note
from nlu.danger import find_danger

log = logging.getLogger(__name__)

RASA_NAMES = {"place": "urgent_place", "what": "urgent_what", "phone": "phone"}


URGENT_SLOTS = ("urgent_case", "urgent_opener", "urgent_place", "urgent_what")


class ValidateUrgentForm(FlowFormValidation):
    form = "urgent_form"
    cancelled_text = "urgent.cancelled"

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
        if cancelled(tracker):  # 取消 left the questions: the case stays open as it is
            return [SlotSet(name, None) for name in URGENT_SLOTS]
        return await self.add_note(dispatcher, tracker, str(case_no))

    async def open(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        ctx = turn_context(self.services, tracker)
        opener, summary = opening(ctx)
        danger = find_danger(opener) if opener else None
        if danger is not None:  # the lines first, as in the chat engine
            utter(dispatcher, life_lines(ctx, danger))
        fit = fitted(ctx, opener, danger.kinds if danger is not None else ())
        try:
            opened = await self.services.run(
                self.services.chat_cases.urgent,
                chat_channel=ctx.message.channel,
                sender=ctx.message.sender_id,
                summary=summary,
                life=danger is not None,
            )
        except Exception:  # never let a database problem hide the hotlines
            log.exception("urgent case could not be stored")
            utter(dispatcher, [ctx.say("urgent.not_recorded", **fit)])
            return []
        # "received"; urgent_form asks the questions
        received = "urgent.life_received" if danger is not None else "urgent.received"
        utter(dispatcher, [ctx.say(received, case=opened.case, **fit, **answered(ctx))])
        fills = opener_fills(ctx, opener)
        events = [
            SlotSet("urgent_case", opened.case.case_no),
            SlotSet("urgent_opener", list(fills)),
        ]
        events += [SlotSet(RASA_NAMES[name], value) for name, value in fills.items()]
        return events

    async def add_note(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, case_no: str
    ) -> list[dict[str, Any]]:
        form = ValidateUrgentForm(self.services)
        values = await form.values(tracker)
        for name in ("place", "what", "phone"):
            values.setdefault(name, SKIP)
        from_opener = [n for n in slot_strings(tracker, "urgent_opener") if n in RASA_NAMES]
        ctx = turn_context(self.services, tracker)
        noted = urgent_note(ctx, case_no, values, from_opener)
        try:
            await self.services.run(
                self.services.chat_cases.add_note,
                case_no,
                noted.note,
                staff_text=noted.staff_text,
                place_text=noted.place_text,
                phone=noted.phone,
            )
        except Exception:
            log.exception("urgent note could not be stored")
            utter(dispatcher, [ctx.say("urgent.note_failed", case_no=case_no)])
        else:
            dangers = [found for text in urgent_texts(tracker) if (found := find_danger(text))]
            done = ctx.say(
                "urgent.done",
                case_no=case_no,
                phone=noted.phone_shown,
                despair=any(found.despair for found in dangers),
                life=bool(dangers),  # danger to life: 尽快, not 今天, as in the chat flow
                **answered(ctx),
            )
            utter(dispatcher, [done])
        return [SlotSet(name, None) for name in URGENT_SLOTS]


def urgent_texts(tracker: Tracker) -> list[str]:
    """What the resident said from the message that opened the urgent case on: the
    message before the case number was set, and the answers after it."""
    events = tracker.events
    opened = max(
        (
            i
            for i, e in enumerate(events)
            if e.get("event") == "slot" and e.get("name") == "urgent_case" and e.get("value")
        ),
        default=0,
    )
    before = [e for e in events[:opened] if e.get("event") == "user"][-1:]
    after = [e for e in events[opened:] if e.get("event") == "user"]
    return [str(e.get("text") or "") for e in before + after]
