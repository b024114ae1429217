"""``action_handoff``: a hand-off case with the recent conversation (``services.chat``).

The conversation staff see is the tracker's (masked as the chat masks it); one open
hand-off per sender is enough, as in the chat.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, turn_context, utter
from flows.handoff import handoff_replies, handoff_summary


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
        return []
