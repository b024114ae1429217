"""How a form reads an answer: the turn handed to the readers of ``nlu.answers``.

Every form question reads its answer with one of these, and every message is read
for the facts it holds with ``nlu.facts.extract_facts`` — the same readers the Rasa
validation actions use (``actions/answers.py``). There is no other way of reading an
answer. A reader here is ``(ctx, values) -> Reading``: the turn, and the answers so
far (a question may depend on them, like the ages on the household size).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flows.base import TurnContext
from nlu.answers import (
    Choice,
    Reading,
    read_ages,
    read_assets_count,
    read_choice,
    read_choices,
    read_conditions,
    read_confirm,
    read_consent,
    read_count,
    read_event,
    read_free_text,
    read_grade,
    read_id_number,
    read_money,
    read_name,
    read_phone,
    read_place,
    read_residence,
    read_supporters,
    read_yes_no,
)
from nlu.answers.reading import fact_json
from nlu.facts import extract_facts
from nlu.finders.text import segments

Reader = Callable[[TurnContext, dict[str, Any]], Reading]


def applicant(ctx: TurnContext, values: dict[str, Any] | None = None) -> str:
    """Who the applicant is to the person typing: "self", or "father"/"mother" when a
    child types for a parent (said in the conversation, kept in the session)."""
    if values and values.get("_applicant"):
        return str(values["_applicant"])
    return str(ctx.session.slots.get("applicant") or "self")


def region(ctx: TurnContext) -> str:
    return ctx.services.region


def facts_of(ctx: TurnContext, slot: str | None = None) -> dict[str, Any]:
    """Every fact the message holds, read as an answer to ``slot`` (None: no question)."""
    if ctx.payload:
        return {}
    return extract_facts(ctx.text, region(ctx), applicant=applicant(ctx), slot=slot)


# "不是2个人 是5个人", "唔系两个系五个": what was taken is denied and the right one said.
_INSTEAD = re.compile(r"(?:不是|唔是|唔系|冇系)[^,.;!?]{1,10}?[,/ ]*(?:而|系|就)?是(?!不是)")


def is_correction(text: str) -> bool:
    """ "不对，是四口人", "刚才说错了", "不是2个人 是5个人": the message corrects what was
    said before."""
    from nlu.finders.text import prepare, terms

    body = prepare(text).text
    if _INSTEAD.search(body) or any(word in body for word in terms("situation", "not_recent")):
        return True  # "火是前年烧的 不是这三个月": the event noted is taken back
    return len(segments(body)) > 1 or any(word in body for word in terms("text", "corrections"))


def _kw(ctx: TurnContext, values: dict[str, Any]) -> dict[str, Any]:
    return {"region": region(ctx), "applicant": applicant(ctx, values)}


# -- the readers of the form questions ------------------------------------------------
def count(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_count(ctx.text, **_kw(ctx, values))


def ages(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    size = values.get("household_size")
    return read_ages(ctx.text, int(size) if size else None, **_kw(ctx, values))


def conditions(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_conditions(ctx.text, **_kw(ctx, values))


def grade(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_grade(ctx.text, **_kw(ctx, values))


def money(role: str) -> Reader:
    """An amount of money in its role (income, medical, deposits …): int, a range as
    ``{"min", "max"}``, or "unknown"; how it was approximated in ``approx``."""

    def reader(ctx: TurnContext, values: dict[str, Any]) -> Reading:
        found = read_money(ctx.text, role, **_kw(ctx, values))
        if found.value is None:
            return found
        return Reading(
            fact_json(found.value),
            sure=found.sure,
            facts=found.facts,
            period=found.period,
            approx=found.approx,
        )

    return reader


def assets(kind: str) -> Reader:
    def reader(ctx: TurnContext, values: dict[str, Any]) -> Reading:
        return read_assets_count(ctx.text, kind, **_kw(ctx, values))

    return reader


def residence(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_residence(ctx.text, **_kw(ctx, values))


def supporters(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_supporters(ctx.text, **_kw(ctx, values))


def event(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_event(ctx.text, **_kw(ctx, values))


def yes_no(slot: str | None = None) -> Reader:
    def reader(ctx: TurnContext, values: dict[str, Any]) -> Reading:
        return read_yes_no(ctx.text, slot=slot, **_kw(ctx, values))

    return reader


def name(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_name(ctx.text, **_kw(ctx, values))


def phone(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    shared = ctx.message.metadata.get("contact_phone")  # a channel's "share my phone" button
    if shared:
        return read_phone(str(shared), **_kw(ctx, values))
    return read_phone(ctx.text, **_kw(ctx, values))


def id_number(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_id_number(ctx.text, **_kw(ctx, values))


def place(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    found = read_place(ctx.text, region(ctx), applicant=applicant(ctx, values))
    if found.value is None:
        if any(word in ctx.text for word in ctx.texts.raw("applicant.outside_words")):
            # "户口在陕西渭南富平县": outside the region served — say where to apply
            problem = ctx.texts("applicant.place_outside")
            return Reading(None, sure=False, facts=found.facts, problem=problem)
        return found
    value = {"township": found.value.township, "village": found.value.village}
    return Reading(value, sure=found.sure, facts=found.facts)


def free_text(min_length: int = 2, slot: str | None = None) -> Reader:
    """Text kept as typed, when it is at least ``min_length`` characters long."""

    def reader(ctx: TurnContext, values: dict[str, Any]) -> Reading:
        found = read_free_text(ctx.text, slot=slot, **_kw(ctx, values))
        text = ctx.text.strip()  # kept as typed: staff read it
        if found.value is None or len(text) < min_length:
            return Reading(None, sure=False, facts=found.facts)
        return Reading(text, facts=found.facts)

    return reader


def choice(options: tuple[Choice, ...], ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_choice(ctx.text, options, payload=ctx.payload, **_kw(ctx, values))


def choices(options: tuple[Choice, ...], ctx: TurnContext, values: dict[str, Any]) -> Reading:
    payloads = (ctx.payload,) if ctx.payload else ()
    return read_choices(ctx.text, options, payloads=payloads, **_kw(ctx, values))


def confirm(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_confirm(ctx.text, **_kw(ctx, values))


def consent(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_consent(ctx.text, **_kw(ctx, values))
