"""The applicant's slots — name, 身份证号, phone, township and village — as forms ask them.

Read by ``flows/identity.py`` and ``flows.reading`` (``nlu.answers``); shared by
applying and staff intake. Each is also filled from any message that says it
("我叫王建国，电话13807371234").
"""

from __future__ import annotations

from typing import Any

from flows import identity, reading
from flows.base import TurnContext
from flows.forms import Choice, Slot
from flows.texts import texts
from nlu.answers import Reading
from policies.regions import load_region


def _place_fact(facts: dict[str, Any], values: dict[str, Any], overwrite: bool) -> Any:
    if not facts.get("township"):
        return None
    return {"township": facts["township"], "village": facts.get("village")}


def _village_fact(facts: dict[str, Any], values: dict[str, Any], overwrite: bool) -> Any:
    place = values.get("place") or {}
    if facts.get("village") and facts.get("township") in (None, place.get("township")):
        return facts["village"]
    return None


def _village(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """A village of the chosen township, by name (misspelt too) or by button."""
    found = reading.place(ctx, values)
    township = (values.get("place") or {}).get("township")
    place = found.value or {}
    if place.get("village") and township in (None, place["township"]):
        return Reading(place["village"], facts=found.facts)
    return Reading(None, sure=False, facts=found.facts)


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
        read=identity.name,
        fact="name",
        validate=identity.name_problem,
        words=("名字", "姓名", "名"),
    )


def id_number_slot() -> Slot:
    return Slot(
        "id_number",
        "applicant.ask_id_number",
        label="labels.id_number",
        read=identity.id_number,
        fact="id_number",
        validate=identity.id_problem,
        show=identity.show_id,
        unclear="applicant.id_unclear",
        words=("身份证",),
    )


def phone_slot() -> Slot:
    return Slot(
        "phone",
        "applicant.ask_phone",
        label="labels.phone",
        read=identity.phone,
        fact="phone",
        validate=identity.phone_check,
        show=identity.show_phone,
        hints={"request_phone": True},
        unclear="applicant.phone_unclear",
        words=("电话", "手机"),
    )


def place_slots(region: str) -> tuple[Slot, Slot]:
    """The township (an answer may name the village too), then the village if missing."""
    return (
        Slot(
            "place",
            "applicant.ask_place",
            label="labels.township",
            read=reading.place,
            fact=_place_fact,
            show=lambda v: v["township"],
            unclear="applicant.place_unclear",
            question_values=lambda _values: {"examples": texts()("applicant.place_examples")},
            words=("乡镇", "街道", "户口", "地址", "住址"),
        ),
        Slot(
            "village",
            "applicant.ask_village",
            label="labels.village",
            read=_village,
            fact=_village_fact,
            choices_for=_villages(region),
            ask_if=lambda values: bool(values.get("place")),
            question_values=lambda values: {
                "township": (values.get("place") or {}).get("township")
            },
            words=("村", "社区"),
        ),
    )


def place_filled(values: dict[str, Any]) -> None:
    """A place answer that named the village fills the village question; else it is asked."""
    place = values.get("place") or {}
    if place.get("village"):
        values["village"] = place["village"]
    else:
        values.pop("village", None)
