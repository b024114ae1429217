"""``action_application_status``: the status flow's answer for a case or the sender's own.

With ``case_number`` and ``id_last6`` the case is shown only when the 身份证号 matches,
and failed look-ups count towards the flow's limit (kept in ``status_failures``).
Without a case number the sender's own cases are shown, as in the chat.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import question, read
from actions.context import JiuzhuAction, slot_strings, turn_context, utter
from flows.status import _FAILURES, StatusFlow

SLOTS = {slot.name: slot for slot in StatusFlow.slots}


def failures(tracker: Tracker) -> list[str]:
    """The times of failed look-ups kept in ``status_failures`` (others dropped)."""
    kept: list[str] = []
    for at in slot_strings(tracker, "status_failures"):
        try:
            moment = dt.datetime.fromisoformat(at)
        except ValueError:
            continue
        if moment.tzinfo is not None:
            kept.append(at)
    return kept


class ActionApplicationStatus(JiuzhuAction):
    def name(self) -> str:
        return "action_application_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = turn_context(self.services, tracker, slots={_FAILURES: failures(tracker)})
        flow = StatusFlow()
        values: dict[str, Any] = {}
        events: list[dict[str, Any]] = []
        for name in ("case_number", "id_last6"):
            if tracker.get_slot(name) is None:
                continue
            value, problem = read(self.services, tracker, SLOTS[name], tracker.get_slot(name), {})
            if problem:
                dispatcher.utter_message(text=problem)
                events.append(SlotSet(name, None))
            else:
                values[name] = value
        if "case_number" not in values:
            # The sender's own cases, or the flow's first question.
            utter(dispatcher, await flow.start(ctx))
            return events
        if "id_last6" not in values:
            text, _ = question(SLOTS["id_last6"], values)
            dispatcher.utter_message(text=text)
            return [*events, SlotSet("case_number", values["case_number"])]
        utter(dispatcher, await flow.submit(ctx, values))
        return [
            *events,
            SlotSet("case_number", values["case_number"]),
            SlotSet("id_last6", None),  # proof of identity is used once, not kept
            SlotSet("status_failures", ctx.session.slots.get(_FAILURES, [])),
        ]
