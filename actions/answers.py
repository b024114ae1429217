"""Read a Rasa slot value the way the flow reads the same answer, and ask its question.

A Rasa form may fill a slot with the raw text ("我叫张三", "一年两万四") or with an
entity's value (3.0). Either way the flow's own ``Slot`` decides: its choices, its
reader (``nlu.answers``, exactly as the chat reads the answer) and its validator,
whose reason is the one the chat gives. A consent is agreed only as the chat agrees it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rasa_sdk import Tracker

from actions.context import inform_payload, turn_context
from base.messages import Button
from flows.forms import Slot, read_answer
from flows.household import KINDS
from flows.texts import texts

if TYPE_CHECKING:
    from services.container import Services


def as_text(value: Any) -> str:
    """3.0 → "3", [68, 65] → "68 65", text as it is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return " ".join(as_text(item) for item in value)
    return str(value).strip()


def payload_value(text: str) -> str:
    """A button's ``/inform{"residence":"rural"}`` filled in by a from_text mapping → rural."""
    if not text.startswith("/") or "{" not in text:
        return text
    try:
        data = json.loads(text[text.index("{") :])
    except ValueError:
        return text
    if isinstance(data, dict) and len(data) == 1:
        return as_text(next(iter(data.values())))
    return text


def _kept_as_read(slot: Slot, value: Any) -> bool:
    """A value this server already read and set: the per-member conditions (a mapping of
    kinds to lists) or the members a "who is it?" answer picked (a list of strings)."""
    if slot.name == "conditions" and isinstance(value, dict):
        return set(value) <= set(KINDS) and all(isinstance(v, list) for v in value.values())
    if slot.multiple and isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return False


def read(
    services: Services, tracker: Tracker, slot: Slot, value: Any, values: dict[str, Any]
) -> tuple[Any, str | None]:
    """``(value as the flow keeps it, None)``, or ``(None, the reason it is refused)``.

    A value this server already read (the per-member conditions, the "who is it?"
    members) comes back as it was kept; anything else is read as the chat reads it
    (``flows.forms.read_answer``); a consent not agreed is refused by its validator."""
    if value is None or as_text(value) == "":
        return None, texts()(slot.unclear)
    if _kept_as_read(slot, value):
        found: Any = value
    else:
        raw = payload_value(as_text(value))
        options = slot.options(values)
        found = next((c.value for c in options if c.value == raw), None)
        if found is None:
            ctx = turn_context(services, tracker, text=raw)
            reading = read_answer(slot, ctx, values)
            if reading.value is None:
                return None, reading.problem or texts()(slot.unclear)
            found = reading.value
    problem = slot.validate(found, values) if slot.validate else None
    return (None, problem) if problem else (found, None)


def question(
    slot: Slot, values: dict[str, Any], rasa_slot: str | None = None
) -> tuple[str, list[dict[str, str]]]:
    """The flow's question for ``slot`` and its choices as Rasa buttons."""
    extra = slot.question_values(values) if slot.question_values else {}
    text = texts()(slot.question, **extra)
    buttons = [
        Button(choice.title, inform_payload(rasa_slot or slot.name, choice.value))
        for choice in slot.options(values)
    ]
    return text, [button.to_json() for button in buttons]
