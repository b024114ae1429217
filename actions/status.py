"""``action_application_status``: a case by number + last 6, or the sender's own cases.

With ``case_number`` and ``id_last6`` the case is shown only when the 身份证号 matches;
failed look-ups are counted per case in the database by the status use-case
(``services.status``), never from the caller's slots, so a new sender id or the chat
beside Rasa share the same limit. Without a case number the sender's own cases are
shown, as in the chat.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import question, read
from actions.context import JiuzhuAction, channel_of, turn_context, utter
from base.messages import BotReply
from flows.status import StatusFlow, show_case, status_replies

SLOTS = {slot.name: slot for slot in StatusFlow.slots}


class ActionApplicationStatus(JiuzhuAction):
    def name(self) -> str:
        return "action_application_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        status = self.services.status
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
        ctx = turn_context(self.services, tracker)
        if "case_number" not in values:
            # The sender's own cases, or the first question.
            mine = await self.services.run(status.mine, channel_of(tracker), tracker.sender_id)
            if mine:
                shown = "\n\n".join(show_case(ctx, case) for case in mine[:3])
                utter(
                    dispatcher,
                    [BotReply(ctx.texts("status.yours", cases=shown, more=len(mine) > 3))],
                )
            else:
                text, _ = question(SLOTS["case_number"], values)
                dispatcher.utter_message(text=text)
            return events
        case_no = values["case_number"]
        if "id_last6" not in values:
            locked = await self.services.run(status.locked, case_no)
            if locked is not None:
                utter(dispatcher, status_replies(ctx, locked))
            else:
                text, _ = question(SLOTS["id_last6"], values)
                dispatcher.utter_message(text=text)
            return [*events, SlotSet("case_number", case_no)]
        outcome = await self.services.run(status.look_up, case_no, values["id_last6"])
        utter(dispatcher, status_replies(ctx, outcome))
        return [
            *events,
            SlotSet("case_number", case_no),
            SlotSet("id_last6", None),  # proof of identity is used once, not kept
        ]
