"""Quarterly check-in from Rasa: ``validate_checkin_form`` and ``action_checkin``.

The form's slots are the check-in flow's (``flows.checkin``): a chat account not yet
bound to the roster gives 姓名, 身份证号 and phone once (checked and bound by the binding
use-case as soon as all three are there, the 身份证号 and phone then cleared; failures
are limited per roster entry in the database, not in the caller's slots); a bound one
only answers the four "any change?" questions (``checkin_members``, ``checkin_income``,
``checkin_address``, ``checkin_health``) and, if something changed, ``changes``.
``action_checkin`` records it through the check-in use-case (``services.checkins``).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, channel_of, turn_context, utter
from actions.forms import FlowFormValidation
from backend.schemas import RecipientPublic
from flows.base import TurnContext
from flows.checkin import (
    ASPECTS,
    CheckinFlow,
    bind_failed_replies,
    checkin_answers,
    done_reply,
    keep_recipient,
    quarter_label,
    recorded_replies,
)
from flows.forms import Slot

IDENTITY = ("name", "id_number", "phone")
ASPECT_SLOTS = {f"checkin_{aspect}": aspect for aspect in ASPECTS}


def flow_slots() -> dict[str, Slot]:
    by_name = {slot.name: slot for slot in CheckinFlow.slots}
    rasa_names = {aspect: rasa for rasa, aspect in ASPECT_SLOTS.items()}
    return {rasa_names.get(name, name): slot for name, slot in by_name.items()}


async def bind(
    ctx: TurnContext, values: dict[str, Any], dispatcher: CollectingDispatcher
) -> tuple[RecipientPublic | None, list[dict[str, Any]]]:
    """Bind the chat account to the roster entry; the slot events."""
    services = ctx.services
    cleared = [SlotSet("id_number", None), SlotSet("phone", None)]
    outcome = await services.run(
        services.binding.bind,
        ctx.message.channel,
        ctx.message.sender_id,
        values["name"],
        values["id_number"],
        values["phone"],
    )
    if outcome.recipient is None:
        utter(dispatcher, bind_failed_replies(ctx, outcome))
        return None, [*cleared, SlotSet("name", None)]
    recipient = outcome.recipient
    utter(
        dispatcher,
        [ctx.say("checkin.bound", name=recipient.name, id_masked=recipient.id_masked)],
    )
    return recipient, cleared


class ValidateCheckinForm(FlowFormValidation):
    form = "checkin_form"

    def build_slots(self) -> dict[str, Slot]:
        return flow_slots()

    async def known(self, tracker: Tracker) -> dict[str, Any]:
        binding = self.services.binding
        recipient = await self.services.run(
            binding.recipient_for, channel_of(tracker), tracker.sender_id
        )
        return {"recipient": keep_recipient(recipient)} if recipient else {}

    async def validate_slot(
        self, name: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        accepted = await super().validate_slot(name, value, dispatcher, tracker)
        if name not in IDENTITY or accepted.get(name) is None:
            return accepted
        tracker.slots.update(accepted)
        values = await self.values(tracker)
        if "recipient" in values or not all(k in values for k in IDENTITY):
            return accepted
        ctx = turn_context(self.services, tracker)
        _, events = await bind(ctx, values, dispatcher)
        return {**accepted, **{e["name"]: e["value"] for e in events}}


class ActionCheckin(JiuzhuAction):
    def name(self) -> str:
        return "action_checkin"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = self.services
        form = ValidateCheckinForm(services)
        ctx = turn_context(services, tracker)
        events: list[dict[str, Any]] = []
        recipient = await services.run(
            services.binding.recipient_for, ctx.message.channel, ctx.message.sender_id
        )
        if recipient is None:
            values, missing, problem = await form.missing(tracker)
            if missing in IDENTITY:
                utter(dispatcher, [ctx.say("checkin.bind_intro")])
                if problem:
                    dispatcher.utter_message(text=problem)
                form.ask(dispatcher, missing, values)
                return []
            recipient, events = await bind(ctx, values, dispatcher)
            if recipient is None:
                return events
        quarter = services.checkins.quarter()
        done = await services.run(services.checkins.done, recipient, quarter)
        if done is not None:
            utter(dispatcher, [done_reply(ctx, done)])
            return events
        values, missing, problem = await form.missing(tracker)
        if missing is not None:
            label = quarter_label(quarter)
            utter(dispatcher, [ctx.say("checkin.intro", name=recipient.name, quarter=label)])
            if problem:
                dispatcher.utter_message(text=problem)
            form.ask(dispatcher, missing, values)
            return events
        answers, changes = checkin_answers(ctx, values)
        outcome = await services.run(
            services.checkins.record,
            recipient.id,
            quarter,
            answers,
            changes,
            chat_channel=ctx.message.channel,
        )
        utter(dispatcher, recorded_replies(ctx, quarter, outcome))
        answered = [*ASPECT_SLOTS, "changes"]
        return [*events, *(SlotSet(name, None) for name in answered)]
