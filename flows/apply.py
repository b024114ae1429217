"""Apply (网上办/掌上办): who, where, the household, two consents, confirm, case created.

Household facts from an earlier self-screening are reused, not asked again. Naming
several programs ("低保和医疗救助都要申请") asks the questions once and files one case
per program (``services.applications``). The informed commitment (告知承诺) and the authorisation for the economic check are shown
in full and each needs an explicit 同意; which version was agreed is kept with the case.
"""

from __future__ import annotations

from typing import Any

from base.messages import BotReply, Button
from flows.applicant import id_number_slot, name_slot, phone_slot, place_filled, place_slots
from flows.base import TurnContext, call
from flows.forms import Choice, Form, Slot, choices_from
from flows.household import build_household
from flows.screening import SLOTS as HOUSEHOLD_SLOTS
from flows.texts import texts
from policies.catalog import load_catalog
from services.applications import ApplicationOutcome, ApplicationRequest
from services.chat import application_channel
from services.consents import APPLICATION_CONSENTS
from services.consents import consent as consent_text

# The household questions an application needs; assets are checked by staff later.
_HOUSEHOLD = ("residence", "household_size", "ages", "conditions", "condition_holder",
              "disability_grade", "monthly_income")  # fmt: skip
AGREE = "agree"


def _program_choices() -> tuple[Choice, ...]:
    return tuple(
        Choice(p.id, p.short_name, (p.name, *p.synonyms)) for p in load_catalog().programs.values()
    )


def named_programs(ctx: TurnContext) -> str | list[str] | None:
    """The program named ("想申请低保"), or every one when several are ("低保和医疗救助
    都要申请": one application, one case each)."""
    named = list(dict.fromkeys(str(p) for p in ctx.parse.all("program")))
    if not named:
        return None
    return named[0] if len(named) == 1 else named


def programs_of(value: Any) -> list[str]:
    """The program slot's value as a list (one program, or several)."""
    if not value:
        return []
    return [str(p) for p in value] if isinstance(value, list) else [str(value)]


def _programs_shown(value: Any) -> str:
    return "、".join(_name(p) for p in programs_of(value))


def _consent_slot(kind: str) -> Slot:
    consent = consent_text(kind)
    return Slot(
        kind,
        f"apply.ask_{kind}",
        label="labels.consent",
        label_values={"title": consent.title},
        choices=choices_from(texts().raw("words.consent")),
        validate=lambda value, _values: None if value == AGREE else texts()("apply.must_agree"),
        question_values=lambda _values: {"text": consent.text},
        show=lambda _value: texts()("labels.show_agreed"),
    )


def _slots(region: str) -> tuple[Slot, ...]:
    by_name = {slot.name: slot for slot in HOUSEHOLD_SLOTS}
    program = Slot(
        "program",
        "apply.ask_program",
        label="labels.program",
        choices=_program_choices(),
        extract=named_programs,  # a typed answer may name several
        eager=True,
        eager_extract=named_programs,
        show=_programs_shown,
        question_values=lambda values: {"suggested": values.get("_suggested", [])},
    )
    return (
        program,
        name_slot(),
        id_number_slot(),
        phone_slot(),
        *place_slots(region),
        *(by_name[name] for name in _HOUSEHOLD),
        _consent_slot("commitment"),
        _consent_slot("authorisation"),
    )


class ApplyFlow(Form):
    name = "apply"
    intents = ("apply",)
    intro = "apply.intro"

    def __init__(self, region: str) -> None:
        self.region = region
        self.slots = _slots(region)  # type: ignore[misc]

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        values: dict[str, Any] = dict(ctx.session.slots.get("household_answers", {}))
        program = named_programs(ctx) or ctx.session.slots.get("program")
        screening = ctx.session.slots.get("screening") or {}
        likely = [p for p, status in screening.get("programs", {}).items() if status == "likely"]
        names = {p.id: p.short_name for p in load_catalog().programs.values()}
        values["_suggested"] = [names[p] for p in likely if p in names]
        known = [p for p in programs_of(program) if p in names]
        if known:
            values["program"] = known[0] if len(known) == 1 else known
        return {
            k: v for k, v in values.items() if k in {s.name for s in self.slots} | {"_suggested"}
        }

    def on_filled(self, ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
        if slot.name == "place":
            place_filled(values)

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        outcome = await call(
            ctx, ctx.services.applications.submit, application_request(ctx, values)
        )
        if outcome.filed:
            ctx.session.slots["household_answers"] = {
                k: v for k, v in values.items() if k in _HOUSEHOLD
            }
            ctx.session.slots["program"] = programs_of(values["program"])[0]
            if outcome.cases:  # the Rasa action sets its slot from it
                ctx.session.slots["case_number"] = outcome.cases[0].case_no
        return application_replies(ctx, outcome)


def application_request(ctx: TurnContext, values: dict[str, Any]) -> ApplicationRequest:
    """The application the completed form's answers make (the Rasa action's too)."""
    return ApplicationRequest(
        programs=programs_of(values["program"]),
        applicant={
            "name": values["name"],
            "id_number": values["id_number"],
            "phone": values["phone"],
        },
        township=values["place"]["township"],
        village=values.get("village") or "",
        household=build_household(values, ctx.services.region),
        channel=application_channel(ctx.message.channel),
        chat_channel=ctx.message.channel,
        chat_sender=ctx.message.sender_id,
        agreed=[kind for kind in APPLICATION_CONSENTS if values.get(kind) == AGREE],
    )


def application_replies(ctx: TurnContext, outcome: ApplicationOutcome) -> list[BotReply]:
    """What the resident is told: each program's case, or why nothing was filed."""
    if outcome.problem:
        return [ctx.say("apply.invalid", problem=outcome.problem)]
    if outcome.missing_consents:
        return [ctx.say("apply.must_agree")]
    if outcome.of("received"):  # a 身份证号 known from someone else: nothing about it
        return [ctx.say("apply.received")]
    status_button = (Button(ctx.texts("apply.button_status"), "/application_status"),)
    held = outcome.of("already_recipient")
    if len(held) == len(outcome.programs):
        names = "、".join(_name(p.program) for p in held)
        return [BotReply(ctx.texts("apply.already_recipient", programs=names), status_button)]
    if len(outcome.programs) == 1:
        [only] = outcome.programs
        key = "apply.duplicate" if only.result == "duplicate" else "apply.created"
        return [
            BotReply(ctx.texts(key, case=only.case, program=_name(only.program)), status_button)
        ]
    items = [
        {"program": _name(p.program), "result": p.result, "case": p.case} for p in outcome.programs
    ]
    return [BotReply(ctx.texts("apply.several", items=items), status_button)]


def _name(program_id: str) -> str:
    program = load_catalog().programs.get(program_id)
    return program.short_name if program else program_id
