"""Self-screening (智能研判): a few questions about the household, then what may fit.

Only what is needed is asked: facts given in any answer ("我们家三口人，老伴瘫痪在床，
一个月收入一千二") fill their questions, corrections ("不对，是四口人") overwrite, and
follow-up questions are asked only when they can change the result. Words that
recognise answers live in ``flows/texts/screening_words.yml``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from base.messages import BotReply, Button
from flows.base import TurnContext
from flows.extract import amount, count, entity, first_of, keywords, numbers, says_unknown, text_of
from flows.forms import Choice, Form, Slot, choices_from
from flows.household import UNKNOWN, applicant_without_labour, build_household
from flows.texts import texts
from policies.catalog import load_catalog
from policies.household import InvalidHousehold
from policies.screening import ScreeningResult, screen

WORDS: dict[str, Any] = texts().raw("screening_words.words")
NONE_MONEY: tuple[str, ...] = tuple(texts().raw("words.none_money"))
YEARLY: tuple[str, ...] = tuple(texts().raw("words.yearly"))
CONDITION_ORDER: tuple[str, ...] = ("serious", "disability", "student", "unemployed", "none")


def _choices(name: str) -> tuple[Choice, ...]:
    """A question's choices from the word file: value, title, synonyms."""
    return choices_from(WORDS[name])


def _words(name: str) -> dict[str, tuple[str, ...]]:
    return {str(item["value"]): tuple(item.get("words", ())) for item in WORDS[name]}


# -- extractors ---------------------------------------------------------------------
def _conditions_named(ctx: TurnContext) -> list[str] | None:
    """Conditions named anywhere ("老伴瘫痪在床"); None when none is named."""
    text = text_of(ctx)
    table = _words("conditions")
    found = [c for c in CONDITION_ORDER[:-1] if any(w in text for w in table[c])]
    if ctx.parse.first("disability_grade") and "disability" not in found:
        found.append("disability")
    return found or None


def _conditions(ctx: TurnContext) -> list[str] | None:
    """The answer to the conditions question: numbers ("1 3"), words, or 都没有."""
    picked = {CONDITION_ORDER[n - 1] for n in numbers(ctx, 1, len(CONDITION_ORDER))}
    if "none" in picked:
        return []
    named = set(_conditions_named(ctx) or [])
    chosen = [c for c in CONDITION_ORDER[:-1] if c in picked or c in named]
    if chosen:
        return chosen
    text = text_of(ctx)
    return [] if any(w in text for w in _words("conditions")["none"]) else None


def _ages(ctx: TurnContext) -> list[int] | None:
    found = ctx.parse.all("age") or numbers(ctx, 0, 120)
    return [int(a) for a in found] or None


def _age_entities(ctx: TurnContext) -> list[int] | None:
    return [int(a) for a in ctx.parse.all("age")] or None


def _income(ctx: TurnContext) -> float | None:
    found = ctx.parse.first("monthly_income")
    if found is not None:
        return float(found)
    text = text_of(ctx)
    if any(w in text for w in YEARLY):
        return None  # a yearly figure the NLU could not read: ask again, with help
    value = amount(ctx)
    if value is None and any(w in text for w in _words("conditions")["none"]):
        return 0.0
    return value


def _income_entity(ctx: TurnContext) -> float | None:
    found = ctx.parse.first("monthly_income")
    return float(found) if found is not None else None


def _money_or_unknown(ctx: TurnContext) -> float | str | None:
    if says_unknown(ctx):
        return UNKNOWN
    found = amount(ctx)
    if found is not None:
        return found
    return 0.0 if any(w in text_of(ctx) for w in NONE_MONEY) else None


def _count_or_unknown(ctx: TurnContext) -> int | str | None:
    if says_unknown(ctx):
        return UNKNOWN
    found = count(ctx)
    return None if found is None else str(min(found, 2))


def _grade(ctx: TurnContext) -> int | str | None:
    if says_unknown(ctx):
        return UNKNOWN
    return ctx.parse.first("disability_grade") or next(iter(numbers(ctx, 1, 4)), None)


# -- validators ---------------------------------------------------------------------
def _size_problem(value: int, _: dict[str, Any]) -> str | None:
    return None if 1 <= value <= 20 else texts()("screening.size_invalid")


def _ages_problem(ages: list[int], values: dict[str, Any]) -> str | None:
    size = int(values.get("household_size") or 1)
    if len(ages) != size:
        return texts()("screening.ages_count", size=size, got=len(ages))
    return None


def _money_problem(value: float | str, _: dict[str, Any]) -> str | None:
    return None if value == UNKNOWN or float(value) >= 0 else texts()("screening.money_negative")


def _has(*conditions: str) -> Any:
    return lambda values: bool(set(values.get("conditions") or []) & set(conditions))


def _yuan(value: Any) -> str:
    if value == UNKNOWN:
        return texts()("labels.show_unknown")
    return texts()("labels.show_yuan", v=f"{float(value):g}")


def _conditions_shown(value: list[str]) -> str:
    names = WORDS["condition_names"]
    return "、".join(names[c] for c in value) or texts()("labels.show_no_conditions")


SLOTS: tuple[Slot, ...] = (
    Slot(
        "residence",
        "screening.ask_residence",
        label="labels.residence",
        choices=_choices("residence"),
        eager=True,
        eager_extract=keywords(_words("residence")),
    ),
    Slot(
        "household_size",
        "screening.ask_household_size",
        label="labels.household_size",
        extract=first_of(entity("household_size"), count),
        validate=_size_problem,
        eager=True,
        eager_extract=entity("household_size"),
        show=lambda v: texts()("labels.show_people", v=v),
    ),
    Slot(
        "ages",
        "screening.ask_ages",
        label="labels.ages",
        extract=_ages,
        validate=_ages_problem,
        eager=True,
        eager_extract=_age_entities,
        show=lambda v: texts()("labels.show_ages", v=v),
        question_values=lambda values: {"size": int(values.get("household_size") or 1)},
    ),
    Slot(
        "conditions",
        "screening.ask_conditions",
        label="labels.conditions",
        extract=_conditions,
        eager=True,
        eager_extract=_conditions_named,
        show=_conditions_shown,
        unclear="screening.conditions_unclear",
    ),
    Slot(
        "condition_holder",
        "screening.ask_condition_holder",
        label="labels.condition_holder",
        choices=_choices("holder"),
        ask_if=lambda v: int(v.get("household_size") or 1) > 1 and _has("serious", "disability")(v),
    ),
    Slot(
        "disability_grade",
        "screening.ask_disability_grade",
        label="labels.disability_grade",
        extract=_grade,
        ask_if=_has("disability"),
        show=lambda v: texts()("labels.show_unknown" if v == UNKNOWN else "labels.show_grade", v=v),
    ),
    Slot(
        "monthly_income",
        "screening.ask_income",
        label="labels.monthly_income",
        extract=_income,
        validate=_money_problem,
        eager=True,
        eager_extract=_income_entity,
        show=_yuan,
        unclear="screening.income_unclear",
    ),
    Slot(
        "medical",
        "screening.ask_medical",
        label="labels.medical",
        extract=_money_or_unknown,
        validate=_money_problem,
        ask_if=_has("serious", "disability"),
        show=_yuan,
    ),
    Slot(
        "deposits",
        "screening.ask_deposits",
        label="labels.deposits",
        extract=_money_or_unknown,
        validate=_money_problem,
        show=_yuan,
    ),
    Slot(
        "vehicles", "screening.ask_vehicles", label="labels.vehicles", choices=_choices("vehicles")
    ),
    Slot(
        "houses",
        "screening.ask_houses",
        label="labels.houses",
        choices=_choices("houses"),
        extract=_count_or_unknown,
    ),
    Slot(
        "supporters_able",
        "screening.ask_supporters",
        label="labels.supporters_able",
        choices=_choices("supporters"),
        ask_if=applicant_without_labour,
    ),
    Slot(
        "hardship_event",
        "screening.ask_event",
        label="labels.hardship_event",
        choices=_choices("events"),
        eager=True,
        eager_extract=keywords({k: v for k, v in _words("events").items() if k != "none"}),
    ),
)


class ScreeningFlow(Form):
    name = "screening"
    intents = ("self_screening",)
    intro = "screening.intro"
    slots = SLOTS

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        # Facts from an earlier screening or application are not asked again.
        return dict(ctx.session.slots.get("household_answers", {}))

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        household = build_household(values, ctx.services.region)
        try:
            result = screen(household, today=dt.date.today())
        except InvalidHousehold as problem:
            return [ctx.say("screening.invalid", problem=problem.errors[0].message)]
        remember_screening(ctx, values, household, result)
        return render_result(ctx, result)


def remember_screening(
    ctx: TurnContext, values: dict[str, Any], household: dict[str, Any], result: ScreeningResult
) -> None:
    """Keep the answers for applying, and the result for the follow-up consent."""
    ctx.session.slots["household_answers"] = values
    ctx.session.slots["household"] = household
    ctx.session.slots["screening"] = {
        "date": result.date.isoformat(),
        "programs": {p.program: p.status for p in result.programs},
        "amounts": {p.program: p.monthly_amount for p in result.programs if p.monthly_amount},
    }


def render_result(ctx: TurnContext, result: ScreeningResult) -> list[BotReply]:
    catalog = load_catalog()

    def view(status: str) -> list[dict[str, Any]]:
        return [
            {
                "name": catalog.programs[p.program].short_name,
                "amount": p.monthly_amount,
                "reasons": p.reasons[:3],
                "next": p.next_steps[:1],
            }
            for p in result.programs
            if p.status == status
        ]

    text = ctx.texts(
        "screening.result", likely=view("likely"), possible=view("possible"), date=result.date
    )
    buttons = (
        Button(ctx.texts("screening.apply_now"), "/apply"),
        Button(ctx.texts("screening.keep_me_posted"), "/followup_consent"),
        Button(ctx.texts("screening.talk_to_person"), "/human_handoff"),
    )
    return [BotReply(text, buttons)]
