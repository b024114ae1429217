"""Read a Rasa slot value the way the flow reads the same answer, and ask its question.

A Rasa form may fill a slot with the raw text ("我叫张三", "一年两万四") or with an
entity's value (3.0). Either way the flow's own ``Slot`` decides: its choices, its
extractor (run over our NLU's reading of the text) and its validator, whose reason
is the one the chat gives.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rasa_sdk import Tracker

from actions.context import inform_payload, turn_context
from base.messages import Button
from flows.forms import Slot, match_choice
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


def read(
    services: Services, tracker: Tracker, slot: Slot, value: Any, values: dict[str, Any]
) -> tuple[Any, str | None]:
    """``(value as the flow keeps it, None)``, or ``(None, the reason it is refused)``."""
    if value is None or as_text(value) == "":
        return None, texts()(slot.unclear)
    raw = payload_value(as_text(value))
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    options = slot.options(values)
    found: Any = next((c.value for c in options if c.value == raw), None)
    if found is None:
        ctx = turn_context(services, tracker, text=raw)
        # A number from an entity is an amount or a count, not "choice number 1".
        if options and not numeric:
            choice = match_choice(options, ctx)
            found = choice.value if choice else None
        if found is None and slot.extract is not None:
            found = slot.extract(ctx)
        if found is None and options and numeric:
            choice = match_choice(options, ctx)
            found = choice.value if choice else None
        if found is None and not options and slot.extract is None:
            found = raw
    if found is None:
        return None, texts()(slot.unclear)
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
