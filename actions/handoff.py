"""``action_handoff``: a hand-off case with the recent conversation (``services.chat``) —
and, as in the chat, a conversation: the sender is attached to the case (slots
``handoff_on`` and ``handoff_case``), and while attached ``action_handoff_message`` adds
every message to the case and tells staff (``services.handoff``); 回到小助手 / 结束人工
(or the case closed by staff) ends it; a message that may mean danger to life goes the
urgent way (``action_urgent_help``). Staff answers reach the sender through the outbox,
as the chat's do.

The conversation staff see is the tracker's (masked as the chat masks it); one open
hand-off per sender is enough, as in the chat.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, slot_text, turn_context, utter
from base.datafiles import load_yaml
from flows.handoff import back_buttons, handoff_replies, handoff_summary
from flows.hours import availability
from nlu.danger import find_danger

_COMMANDS = load_yaml(Path(__file__).parents[1] / "bot" / "global_commands.yml")
END_WORDS = frozenset(_COMMANDS.get("end_handoff", []))


def _detached() -> list[dict[str, Any]]:
    return [SlotSet("handoff_on", False), SlotSet("handoff_case", None)]


class ActionHandoff(JiuzhuAction):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = turn_context(self.services, tracker)
        services = self.services
        opened = await services.run(
            services.chat_cases.handoff,
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=handoff_summary(ctx, None),
        )
        utter(dispatcher, handoff_replies(ctx, opened))
        return [SlotSet("handoff_on", True), SlotSet("handoff_case", opened.case.case_no)]


class ActionHandoffMessage(JiuzhuAction):
    """A message while attached: to the case and to staff."""

    def name(self) -> str:
        return "action_handoff_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ctx = turn_context(self.services, tracker)
        case_no = slot_text(tracker, "handoff_case")
        said = ctx.text.strip().strip("。.!！ ")
        if not case_no:
            return _detached()
        if said in END_WORDS:
            utter(dispatcher, [ctx.say("handoff.ended", case_no=case_no)])
            return _detached()
        if find_danger(ctx.text) is not None:  # an emergency still goes the urgent way
            return [*_detached(), FollowupAction("action_urgent_help")]
        handoffs = self.services.handoffs
        if await self.services.run(handoffs.still_open, case_no) is None:
            utter(dispatcher, [ctx.say("handoff.case_closed", case_no=case_no)])
            return _detached()
        await self.services.run(handoffs.say, case_no, ctx.text)
        when = availability(ctx)
        sent = ctx.say("handoff.sent", buttons=back_buttons(ctx), case_no=case_no, **when)
        utter(dispatcher, [sent])
        return []
