"""What every action shares: the turn a flow would see, built from a Rasa ``Tracker``.

The flows' readers and replies are written against ``TurnContext`` (session, message,
NLU parse, services). A Rasa action builds the same context from the tracker —
channel and sender from the conversation, the text read by our own NLU, Rasa's
entities added — to read answers with the flows' slot readers and word replies as the
chat does. What it does (file an application, look up a status, bind, open a case) it
asks of the use-cases (``services``); Rasa keeps the conversation, the actions hand
back ``SlotSet`` events.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from base.messages import BotReply, Button, UserMessage
from base.session import Session, Turn
from flows.base import TurnContext
from flows.texts import texts
from nlu.types import INTENTS, Entity, ParseResult

if TYPE_CHECKING:
    from services.container import Services

DEFAULT_CHANNEL = "rasa"  # a tracker that names no input channel
HISTORY_TURNS = 10


class JiuzhuAction(Action):
    """A rasa-sdk action with the process's ``Services`` (use-cases, NLU) at hand."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def region(self) -> str:
        return self.services.region


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or DEFAULT_CHANNEL


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    intent = tracker.latest_message.get("intent") or {}
    name = intent.get("name") if isinstance(intent, dict) else None
    return str(name) if name else None


def rasa_entities(tracker: Tracker) -> tuple[Entity, ...]:
    found: list[Entity] = []
    for item in tracker.latest_message.get("entities") or []:
        if isinstance(item, dict) and item.get("entity") and item.get("value") is not None:
            found.append(
                Entity(
                    str(item["entity"]),
                    item["value"],
                    int(item.get("start") or 0),
                    int(item.get("end") or 0),
                    str(item.get("extractor") or "rasa"),
                )
            )
    return tuple(found)


def history(tracker: Tracker) -> list[Turn]:
    """The conversation so far as the flows keep it (for the hand-off summary)."""
    turns: list[Turn] = []
    for event in tracker.events:
        kind, text = event.get("event"), event.get("text")
        if kind == "user" and text:
            turns.append(Turn(user=str(text)))
        elif kind == "bot" and text and turns:
            turns[-1].bot.append(str(text))
    # The latest user message is this turn, not history.
    if turns and turns[-1].user == latest_text(tracker) and not turns[-1].bot:
        turns.pop()
    return turns[-HISTORY_TURNS:]


def parse(
    services: Services, text: str, intent: str | None = None, extra: Iterable[Entity] = ()
) -> ParseResult:
    """Our NLU's reading of ``text`` (normalised text, entities), Rasa's intent and
    entities added where ours found none of that kind."""
    ours = services.interpreter.parse(text)
    kinds = {entity.entity for entity in ours.entities}
    entities = ours.entities + tuple(e for e in extra if e.entity not in kinds)
    return ParseResult(
        text=ours.text,
        intent=intent or ours.intent,
        confidence=ours.confidence,
        entities=entities,
        ranking=ours.ranking,
        normalized=ours.normalized,
    )


def turn_context(
    services: Services,
    tracker: Tracker,
    *,
    text: str | None = None,
    intent: str | None = None,
    slots: dict[str, Any] | None = None,
) -> TurnContext:
    """The turn the engine would build for this message (or for ``text``)."""
    channel = channel_of(tracker)
    said = latest_text(tracker) if text is None else text
    payload = said if said.startswith("/") else None
    readable = "" if payload else said
    metadata = tracker.latest_message.get("metadata") or {}
    session = Session(
        channel=channel,
        sender_id=tracker.sender_id,
        slots=dict(slots or {}),
        history=history(tracker),
    )
    message = UserMessage(
        channel, tracker.sender_id, readable, metadata if isinstance(metadata, dict) else {}
    )
    if text is None:  # this turn's message: Rasa's intent and entities count
        result = parse(services, readable, intent or latest_intent(tracker), rasa_entities(tracker))
    else:  # a slot's value, perhaps from an earlier turn: read on its own
        result = parse(services, readable, intent)
    return TurnContext(session, message, readable.strip(), result, services, payload)


def rasa_payload(payload: str) -> str | None:
    """A flow button's payload as a Rasa assistant sends it; None when Rasa has no such intent."""
    mapped: dict[str, str] = texts().raw("actions.payloads")
    payload = mapped.get(payload, payload)
    intent = payload.removeprefix("/").split("{", 1)[0]
    return payload if payload.startswith("/") and intent in INTENTS else None


def inform_payload(slot: str, value: str) -> str:
    """The payload of a choice: ``/inform{"residence":"rural"}`` fills the slot."""
    return "/inform" + json.dumps({slot: value}, ensure_ascii=False, separators=(",", ":"))


def rasa_buttons(buttons: Iterable[Button]) -> list[dict[str, str]]:
    kept: list[dict[str, str]] = []
    for button in buttons:
        payload = rasa_payload(button.payload)
        if payload is not None:
            kept.append({"title": button.title, "payload": payload})
    return kept


def utter(dispatcher: CollectingDispatcher, replies: Iterable[BotReply]) -> None:
    """Send the flows' replies through the dispatcher, buttons included."""
    for reply in replies:
        buttons = rasa_buttons(reply.buttons)
        if buttons:
            dispatcher.utter_message(text=reply.text, buttons=buttons)
        else:
            dispatcher.utter_message(text=reply.text)


def slot_number(tracker: Tracker, name: str) -> float | None:
    """A numeric slot (Rasa keeps floats; entities may arrive as strings)."""
    value = tracker.get_slot(name)
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def slot_int(tracker: Tracker, name: str) -> int | None:
    value = slot_number(tracker, name)
    return None if value is None or abs(value) > 2**31 else int(value)


def slot_text(tracker: Tracker, name: str) -> str | None:
    value = tracker.get_slot(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def slot_strings(tracker: Tracker, name: str) -> list[str]:
    """A list slot of strings; anything else in it is dropped."""
    value = tracker.get_slot(name)
    items = value if isinstance(value, list) else []
    return [item for item in items if isinstance(item, str)]
