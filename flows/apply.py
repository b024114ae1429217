"""Apply (网上办/掌上办): who, where, the household, two consents, confirm, case created.

Household facts from an earlier self-screening are reused, not asked again. The
informed commitment (告知承诺) and the authorisation for the economic check are shown
in full and each needs an explicit 同意; which version was agreed is kept with the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from base.messages import BotReply, Button
from flows.applicant import id_number_slot, name_slot, phone_slot, place_filled, place_slots
from flows.base import TurnContext, call
from flows.forms import Choice, Form, Slot, choices_from
from flows.household import build_household
from flows.screening import SLOTS as HOUSEHOLD_SLOTS
from flows.texts import texts
from policies.catalog import load_catalog
from policies.household import InvalidHousehold
from policies.screening import screen
from services.chat import application_channel

# The household questions an application needs; assets are checked by staff later.
_HOUSEHOLD = ("residence", "household_size", "ages", "conditions", "condition_holder",
              "disability_grade", "monthly_income")  # fmt: skip
AGREE = "agree"


def _program_choices() -> tuple[Choice, ...]:
    return tuple(
        Choice(p.id, p.short_name, (p.name, *p.synonyms)) for p in load_catalog().programs.values()
    )


def _consent_slot(kind: str) -> Slot:
    consent = texts().raw(f"consents.{kind}")
    return Slot(
        kind,
        f"apply.ask_{kind}",
        label="labels.consent",
        label_values={"title": consent["title"]},
        choices=choices_from(texts().raw("words.consent")),
        validate=lambda value, _values: None if value == AGREE else texts()("apply.must_agree"),
        question_values=lambda _values: {"text": consent["text"]},
        show=lambda _value: texts()("labels.show_agreed"),
    )


def _slots(region: str) -> tuple[Slot, ...]:
    by_name = {slot.name: slot for slot in HOUSEHOLD_SLOTS}
    program = Slot(
        "program",
        "apply.ask_program",
        label="labels.program",
        choices=_program_choices(),
        eager=True,
        eager_extract=lambda ctx: ctx.parse.first("program"),
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
        program = ctx.parse.first("program") or ctx.session.slots.get("program")
        screening = ctx.session.slots.get("screening") or {}
        likely = [p for p, status in screening.get("programs", {}).items() if status == "likely"]
        names = {p.id: p.short_name for p in load_catalog().programs.values()}
        values["_suggested"] = [names[p] for p in likely if p in names]
        if program in names:
            values["program"] = program
        return {
            k: v for k, v in values.items() if k in {s.name for s in self.slots} | {"_suggested"}
        }

    def on_filled(self, ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
        if slot.name == "place":
            place_filled(values)

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        household = build_household(values, self.region)
        try:
            result = screen(household, today=dt.date.today())
        except InvalidHousehold as problem:
            return [ctx.say("apply.invalid", problem=problem.errors[0].message)]
        commitment = texts().raw("consents.commitment")
        authorisation = texts().raw("consents.authorisation")
        backend = ctx.services.backend
        outcome = await call(
            ctx,
            backend.create_case,
            "application",
            programs=[values["program"]],
            applicant={
                "name": values["name"],
                "id_number": values["id_number"],
                "phone": values["phone"],
            },
            channel=application_channel(ctx.message.channel),
            chat_channel=ctx.message.channel,
            chat_sender=ctx.message.sender_id,
            township=values["place"]["township"],
            village=values.get("village") or "",
            household=household,
            screening=result.model_dump(mode="json"),
            consents=[
                (commitment["id"], commitment["version"]),
                (authorisation["id"], authorisation["version"]),
            ],
            summary=ctx.texts(
                "apply.case_summary", values=values, program=_name(values["program"])
            ),
        )
        ctx.session.slots["household_answers"] = {
            k: v for k, v in values.items() if k in _HOUSEHOLD
        }
        ctx.session.slots["program"] = values["program"]
        status_button = (Button(ctx.texts("apply.button_status"), "/application_status"),)
        if outcome.already_recipient:
            names = "、".join(_name(p) for p in outcome.already_recipient_programs)
            return [BotReply(ctx.texts("apply.already_recipient", programs=names), status_button)]
        case = outcome.case
        assert case is not None
        ctx.session.slots["case_number"] = case.case_no  # the Rasa action sets its slot from it
        key = "apply.duplicate" if outcome.duplicate else "apply.created"
        return [
            BotReply(ctx.texts(key, case=case, program=_name(values["program"])), status_button)
        ]


def _name(program_id: str) -> str:
    program = load_catalog().programs.get(program_id)
    return program.short_name if program else program_id
