"""Quarterly check-in from Rasa: ``validate_checkin_form`` and ``action_checkin``.

The form's slots are the check-in flow's (``flows.checkin``): a chat account not yet
bound to the roster gives 姓名, 身份证号 and phone once (checked and bound as soon as
all three are there, the 身份证号 and phone then cleared); a bound one only answers the
four "any change?" questions (``checkin_members``, ``checkin_income``,
``checkin_address``, ``checkin_health``) and, if something changed, ``changes``.
``action_checkin`` records it through the flow's own ``submit``.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import JiuzhuAction, slot_int, turn_context, utter
from actions.forms import FlowFormValidation
from backend.schemas import RecipientPublic
from flows.base import TurnContext, call
from flows.checkin import (
    ASPECTS,
    MAX_BIND_FAILURES,
    CheckinFlow,
    _already_done,
    _help_buttons,
    _keep,
    _quarter,
    quarter_label,
)
from flows.forms import Slot

IDENTITY = ("name", "id_number", "phone")
ASPECT_SLOTS = {f"checkin_{aspect}": aspect for aspect in ASPECTS}
FAILURES = "checkin_bind_failures"  # Rasa slot: failed roster look-ups of this conversation


def flow_slots() -> dict[str, Slot]:
    by_name = {slot.name: slot for slot in CheckinFlow.slots}
    rasa_names = {aspect: rasa for rasa, aspect in ASPECT_SLOTS.items()}
    return {rasa_names.get(name, name): slot for name, slot in by_name.items()}


async def recipient_of(ctx: TurnContext) -> RecipientPublic | None:
    backend = ctx.services.backend
    return await call(ctx, backend.recipient_for_chat, ctx.message.channel, ctx.message.sender_id)


async def bind(
    ctx: TurnContext, tracker: Tracker, values: dict[str, Any], dispatcher: CollectingDispatcher
) -> tuple[RecipientPublic | None, list[dict[str, Any]]]:
    """Bind the chat account to the roster entry, as the flow does; the slot events."""
    failures = slot_int(tracker, FAILURES) or 0
    cleared = [SlotSet("id_number", None), SlotSet("phone", None)]
    if failures >= MAX_BIND_FAILURES:
        utter(dispatcher, [ctx.say("checkin.bind_locked", buttons=_help_buttons(ctx))])
        return None, cleared
    backend = ctx.services.backend
    recipient = await call(
        ctx,
        backend.bind_recipient,
        ctx.message.channel,
        ctx.message.sender_id,
        values["name"],
        values["id_number"],
        values["phone"],
    )
    if recipient is None:
        failures += 1
        key = "checkin.bind_locked" if failures >= MAX_BIND_FAILURES else "checkin.not_found"
        utter(dispatcher, [ctx.say(key, buttons=_help_buttons(ctx))])
        return None, [*cleared, SlotSet("name", None), SlotSet(FAILURES, failures)]
    utter(
        dispatcher,
        [ctx.say("checkin.bound", name=recipient.name, id_masked=recipient.id_masked)],
    )
    return recipient, [*cleared, SlotSet(FAILURES, 0)]


class ValidateCheckinForm(FlowFormValidation):
    form = "checkin_form"

    def build_slots(self) -> dict[str, Slot]:
        return flow_slots()

    async def known(self, tracker: Tracker) -> dict[str, Any]:
        ctx = turn_context(self.services, tracker, text="")
        recipient = await recipient_of(ctx)
        return {"recipient": _keep(recipient)} if recipient else {}

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
        _, events = await bind(ctx, tracker, values, dispatcher)
        return {**accepted, **{e["name"]: e["value"] for e in events}}


class ActionCheckin(JiuzhuAction):
    def name(self) -> str:
        return "action_checkin"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        form = ValidateCheckinForm(self.services)
        ctx = turn_context(self.services, tracker)
        events: list[dict[str, Any]] = []
        recipient = await recipient_of(ctx)
        if recipient is None:
            values, missing, problem = await form.missing(tracker)
            if missing in IDENTITY:
                utter(dispatcher, [ctx.say("checkin.bind_intro")])
                if problem:
                    dispatcher.utter_message(text=problem)
                form.ask(dispatcher, missing, values)
                return []
            recipient, events = await bind(ctx, tracker, values, dispatcher)
            if recipient is None:
                return events
        done = await _already_done(ctx, recipient)
        if done is not None:
            utter(dispatcher, [done])
            return events
        values, missing, problem = await form.missing(tracker)
        if missing is not None:
            quarter = quarter_label(_quarter())
            utter(dispatcher, [ctx.say("checkin.intro", name=recipient.name, quarter=quarter)])
            if problem:
                dispatcher.utter_message(text=problem)
            form.ask(dispatcher, missing, values)
            return events
        values["recipient"] = _keep(recipient)
        utter(dispatcher, await CheckinFlow().submit(ctx, values))
        answered = [*ASPECT_SLOTS, "changes"]
        return [*events, *(SlotSet(name, None) for name in answered)]
