"""The applicant's slots — name, 身份证号, phone, township and village — as forms ask them.

Read by ``flows/identity.py`` and ``flows.reading`` (``nlu.answers``); shared by
applying and staff intake. Each is also filled from any message that says it
("我叫王建国，电话13807371234").
"""

from __future__ import annotations

import re
from typing import Any

from flows import identity, reading
from flows.base import TurnContext
from flows.forms import Choice, Slot
from flows.texts import texts
from nlu.answers import Reading
from nlu.finders.negation import is_negated
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


_VILLAGE_END = re.compile(r"村|社区")
# form value: a village named before the place question that the list does not have; the
# question then asks only its township ("龙洞村是哪个乡镇（街道）的？")
TOLD_VILLAGE = "_told_village"


def unlisted_village(text: str, township: str | None) -> str | None:
    """A village named that the region's list does not have ("不是沙头村 是石门村" →
    石门村): the last one said outside a negation, without the township's name."""
    body = text.replace(township or "\0", " ")
    stops: list[str] = texts().raw("applicant.village_not_name")
    generic: list[str] = texts().raw("applicant.village_generic")
    found = None
    for part in re.split(r"[\s,，。.;；!！?？、]|镇|乡|街道", body):
        for match in _VILLAGE_END.finditer(part):
            start = match.start()
            while start > 0 and match.start() - start < 5 and _name_char(part[start - 1], stops):
                start -= 1  # the name is the characters before 村 that can be a name
            name = part[start : match.end()]
            if start == match.start() or name in generic:
                continue
            if is_negated(part, start, match.end()):
                continue
            found = name
    return found


def _name_char(char: str, stops: list[str]) -> bool:
    return "\u4e00" <= char <= "\u9fff" and char not in stops


def _village(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """A village of the chosen township, by name (misspelt too) or by button; a village
    the list does not have is kept as said, for staff to check (never a wrong one)."""
    found = reading.place(ctx, values)
    township = (values.get("place") or {}).get("township")
    place = found.value or {}
    if place.get("village") and township in (None, place["township"]):
        return Reading(place["village"], facts=found.facts)
    named = unlisted_village(ctx.text, township)
    if named is not None:
        return Reading(named, facts=found.facts)
    return Reading(None, sure=False, facts=found.facts)


def listed(region: str, township: str | None, village: str) -> bool:
    found = load_region(region).township(township or "")
    return found is None or village in found.villages


def _village_shown(region: str) -> Any:
    def describe(value: Any, values: dict[str, Any]) -> str:
        township = (values.get("place") or {}).get("township")
        if listed(region, township, str(value)):
            return str(value)
        return texts()("applicant.village_unlisted", name=value)

    return describe


def _villages(region: str) -> Any:
    def options(values: dict[str, Any]) -> tuple[Choice, ...]:
        place = values.get("place") or {}
        township = load_region(region).township(place.get("township") or "")
        return tuple(Choice(v, v) for v in township.villages) if township else ()

    return options


def _name_about(ctx: TurnContext, values: dict[str, Any]) -> str | None:
    """ "申請人要寫我還是我先生？": who the applicant should be."""
    from nlu.finders.text import prepare

    text = prepare(ctx.text).text
    words: list[str] = texts().raw("applicant.name_about")
    if any(prepare(word).text in text for word in words):
        return texts()("applicant.name_about_answer")
    return None


def name_slot() -> Slot:
    return Slot(
        "name",
        "applicant.ask_name",
        label="labels.name",
        read=identity.name,
        fact="name",
        validate=identity.name_problem,
        about=_name_about,
        words=("名字", "姓名", "名"),
        question_values=_both_paid,
    )


def _both_paid(values: dict[str, Any]) -> dict[str, Any]:
    """低保 and 特困 both chosen ("低保 还有那个特困 看病那个也要"): not paid together,
    said once before the applicant's name is asked."""
    chosen = values.get("program")
    programs = set(chosen) if isinstance(chosen, list) else {chosen}
    return {"both": {"dibao", "tekun"} <= programs}


def name_filled(ctx: TurnContext, values: dict[str, Any]) -> None:
    """A name answer that names the typer's husband or wife ("那寫我先生好了，陳志明"): the
    applicant is the typer's spouse, so "我" in the answers that follow is the spouse."""
    from nlu.finders.text import prepare

    text = prepare(ctx.text).text
    words: list[str] = texts().raw("applicant.spouse_applicant")
    if any(prepare(word).text in text for word in words):
        values["_applicant"] = "spouse"


def _id_about(ctx: TurnContext, values: dict[str, Any]) -> str | None:
    """ "只有台灣居民居住證，可以用嗎？": no mainland ID card — who can apply, and staff
    confirm the card; an 18-character number typed with it is read as the answer."""
    from nlu.finders.identity import id_numbers_of
    from nlu.finders.text import prepare

    text = prepare(ctx.text).text
    if id_numbers_of(prepare(ctx.text).simple)[0]:
        return None
    words: list[str] = texts().raw("applicant.id_about")
    if any(prepare(word).text in text for word in words):
        return texts()("applicant.id_about_answer")
    return None


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
        about=_id_about,
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
            question_values=lambda values: {
                "examples": texts()("applicant.place_examples"),
                "village": values.get(TOLD_VILLAGE),
            },
            words=("乡镇", "街道", "户口", "地址", "住址"),
        ),
        Slot(
            "village",
            "applicant.ask_village",
            label="labels.village",
            read=_village,
            fact=_village_fact,
            choices_for=_villages(region),
            describe=_village_shown(region),
            unclear="applicant.village_unclear",
            ask_if=lambda values: bool(values.get("place")),
            question_values=lambda values: {
                "township": (values.get("place") or {}).get("township")
            },
            words=("村", "社区"),
        ),
    )


def place_filled(values: dict[str, Any], text: str = "") -> None:
    """A place answer that named the village fills the village question, one not on the
    list too ("沙头镇 石门村"); else it is asked."""
    place = values.get("place") or {}
    named = unlisted_village(text, place.get("township")) if text else None
    if place.get("village"):
        values["village"] = place["village"]
    elif named is not None:
        values["village"] = named
    elif values.get(TOLD_VILLAGE):  # "龙洞村" said before, its township answered now
        values["village"] = values[TOLD_VILLAGE]
    else:
        values.pop("village", None)
