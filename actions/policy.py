"""``action_policy_answer``: a program × aspect answer, exactly as the policy flow gives it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, latest_intent, turn_context, utter
from flows.policy import ASPECTS, INTENT_OF, PolicyAnswerFlow
from policies.catalog import load_catalog


def program_id(value: Any) -> str | None:
    """A program slot as an id: ``dibao``, or a name or synonym Rasa kept as typed (低保)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    programs = load_catalog().programs
    if text in programs:
        return text
    for program in programs.values():
        if text in (program.short_name, program.name, *program.synonyms):
            return program.id
    return None


class ActionPolicyAnswer(JiuzhuAction):
    def name(self) -> str:
        return "action_policy_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        # The aspect: the slot, else the question's intent (ask_materials → materials).
        aspect = tracker.get_slot("aspect")
        if not isinstance(aspect, str) or aspect not in INTENT_OF:
            aspect = ASPECTS.get(latest_intent(tracker) or "", "what")
        program = program_id(tracker.get_slot("program"))
        ctx = turn_context(
            self.services,
            tracker,
            intent=INTENT_OF[aspect],
            slots={"program": program} if program else {},
        )
        replies = await PolicyAnswerFlow().start(ctx)
        utter(dispatcher, replies)
        return [SlotSet("program", ctx.session.slots.get("program")), SlotSet("aspect", aspect)]
