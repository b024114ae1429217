"""Policy answers: any program × aspect, from the catalog and today's local standards.

The program may come from this message ("低保要什么材料") or from the conversation
("那要带什么材料？" after talking about 低保). Nothing is made up: an aspect the
catalog lacks sends the user to screening or a person.

A question is only ever answered with the figures of the program it is about: a
message naming several programs ("低保和特困哪个钱多") gets an answer for each, and
the program of the conversation is used only when the message names none and seems to
name no other either — "那个补贴有多少" after talking about 低保 asks which program is
meant rather than answering with 低保's figures (after 残疾人两项补贴 it is that one).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from base.messages import BotReply, Button
from flows.base import Flow, TurnContext
from policies.catalog import Catalog, Program, load_catalog
from policies.regions import Region, load_region

ASPECTS: dict[str, str] = {
    "ask_policy": "what",
    "ask_eligibility": "eligibility",
    "ask_materials": "materials",
    "ask_process": "process",
    "ask_amount": "amount",
}
INTENT_OF = {aspect: intent for intent, aspect in ASPECTS.items()}
MAX_PROGRAMS = 3  # programs answered for in one turn
# Words that name some program even when the NLU did not recognise which one.
_PROGRAM_WORDS = re.compile(r"保|救助|求助|补贴|补助|供养|孤儿|残疾|救济|帮扶|岗位|廉租|公租|危房")


def payload(intent: str, program: str) -> str:
    """A Rasa-style payload naming the intent and the program: /ask_amount{"program":"dibao"}."""
    return f"/{intent}{json.dumps({'program': program}, separators=(',', ':'))}"


class PolicyAnswerFlow(Flow):
    name = "policy"
    intents = tuple(ASPECTS)
    digression = True

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        catalog = load_catalog()
        aspect = ASPECTS.get(ctx.parse.intent, "what")
        named = list(dict.fromkeys(p for p in ctx.parse.all("program") if p in catalog.programs))
        remembered = ctx.session.slots.get("program")
        if (
            not named
            and remembered in catalog.programs
            and not names_another_program(ctx, catalog.programs[remembered])
        ):
            named = [remembered]
        if not named:
            return [self._choose_program(ctx, catalog, aspect)]
        named = named[:MAX_PROGRAMS]
        ctx.session.slots["program"] = named[-1] if len(named) == 1 else named[0]
        region = load_region(ctx.services.region)
        today = dt.date.today()
        return [answer(ctx, catalog.programs[p], aspect, region, today) for p in named]

    def _choose_program(self, ctx: TurnContext, catalog: Catalog, aspect: str) -> BotReply:
        programs = list(catalog.programs.values())
        buttons = tuple(Button(p.short_name, payload(INTENT_OF[aspect], p.id)) for p in programs)
        if aspect == "what":
            return BotReply(ctx.texts("policy.list", programs=programs), buttons)
        return BotReply(ctx.texts("policy.which_program"), buttons)


def names_another_program(ctx: TurnContext, program: Program) -> bool:
    """Whether the message names some program in words the NLU did not place ("那个补贴")
    that are not words of ``program``'s own names (补贴 after 残疾人两项补贴 is that one)."""
    if ctx.payload is not None:
        return False
    words = set(_PROGRAM_WORDS.findall(ctx.parse.normalized or ctx.text))
    names = (program.name, program.short_name, *program.synonyms)
    return any(not any(word in name for name in names) for word in words)


def answer(
    ctx: TurnContext, program: Program, aspect: str, region: Region, today: dt.date
) -> BotReply:
    values: dict[str, Any] = {"p": program, "region": region.short_name}
    if aspect == "amount":
        values["standards"] = local_standards(ctx, program, region, today)
    text = ctx.texts(f"policy.{aspect}", **values)
    others = [a for a in ("eligibility", "materials", "process", "amount") if a != aspect]
    buttons = [
        Button(ctx.texts(f"policy.button_{a}"), payload(INTENT_OF[a], program.id)) for a in others
    ]
    buttons.append(Button(ctx.texts("policy.button_screening"), "/self_screening"))
    buttons.append(Button(ctx.texts("policy.button_apply"), "/apply"))
    return BotReply(text, tuple(buttons))


def local_standards(
    ctx: TurnContext, program: Program, region: Region, today: dt.date
) -> list[str]:
    """The region's figures in force today for this program, each with its source."""
    lines: list[str] = []
    parameters: dict[str, list[str]] = ctx.texts.raw("policy.amount_parameters")
    for name in parameters.get(program.id, []):
        parameter = region.parameters.get(name)
        if parameter is None:
            continue  # the region ships no figure: say nothing rather than guess
        for residence in ("urban", "rural") if parameter.by_residence else ("",):
            entry = region.parameter_entry(name, today, residence or None)
            if entry is None:
                continue
            series, dated = entry
            lines.append(
                ctx.texts(
                    "policy.standard_line",
                    region=region.short_name,
                    residence=ctx.texts.raw("policy.residence_names")[residence],
                    label=parameter.label,
                    value=f"{dated.value:g}",
                    unit=series.unit,
                    monthly=region.parameter(name, today, residence or None),
                    since=dated.start.isoformat(),
                    source=dated.source.title,
                    example=dated.example,
                )
            )
    return lines
