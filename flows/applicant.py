"""The applicant's slots — name, 身份证号, phone, township and village — as forms ask them.

Built on the readers of ``flows/identity.py``; shared by applying and staff intake.
"""

from __future__ import annotations

import re
from typing import Any

from flows import identity
from flows.base import TurnContext
from flows.forms import Choice, Slot
from flows.texts import texts
from nlu.places import match_place
from policies.regions import load_region


def _phone(ctx: TurnContext) -> str | None:
    shared = ctx.message.metadata.get("contact_phone")  # a channel's "share my phone" button
    if shared:
        return re.sub(r"\D", "", str(shared))[-11:]
    return identity.phone(ctx)


def _place(ctx: TurnContext) -> dict[str, str | None] | None:
    found = match_place(ctx.text, ctx.services.region)
    if found is None:
        return None
    return {"township": found.township, "village": found.village}


def _village(ctx: TurnContext) -> str | None:
    found = match_place(ctx.text, ctx.services.region)
    return found.village if found else None


def _villages(region: str) -> Any:
    def options(values: dict[str, Any]) -> tuple[Choice, ...]:
        place = values.get("place") or {}
        township = load_region(region).township(place.get("township") or "")
        return tuple(Choice(v, v) for v in township.villages) if township else ()

    return options


def name_slot() -> Slot:
    return Slot(
        "name",
        "applicant.ask_name",
        label="labels.name",
        extract=identity.name,
        validate=identity.name_problem,
    )


def id_number_slot() -> Slot:
    return Slot(
        "id_number",
        "applicant.ask_id_number",
        label="labels.id_number",
        extract=identity.id_number,
        validate=identity.id_problem,
        show=identity.show_id,
        unclear="applicant.id_unclear",
    )


def phone_slot() -> Slot:
    return Slot(
        "phone",
        "applicant.ask_phone",
        label="labels.phone",
        extract=_phone,
        validate=identity.phone_check,
        show=identity.show_phone,
        hints={"request_phone": True},
        unclear="applicant.phone_unclear",
    )


def place_slots(region: str) -> tuple[Slot, Slot]:
    """The township (an answer may name the village too), then the village if missing."""
    return (
        Slot(
            "place",
            "applicant.ask_place",
            label="labels.township",
            extract=_place,
            show=lambda v: v["township"],
            unclear="applicant.place_unclear",
            question_values=lambda _values: {"examples": texts()("applicant.place_examples")},
        ),
        Slot(
            "village",
            "applicant.ask_village",
            label="labels.village",
            extract=_village,
            choices_for=_villages(region),
            ask_if=lambda values: bool(values.get("place")),
            question_values=lambda values: {
                "township": (values.get("place") or {}).get("township")
            },
        ),
    )


def place_filled(values: dict[str, Any]) -> None:
    """A place answer that named the village fills the village question; else it is asked."""
    place = values.get("place") or {}
    if place.get("village"):
        values["village"] = place["village"]
    else:
        values.pop("village", None)
