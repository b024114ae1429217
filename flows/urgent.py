"""Emergencies (急难求助 / 先行救助): the case first, the hotlines at once, questions after.

The urgent case is opened before anything is asked, so staff are notified even if the
person stops answering; the reply names the emergency numbers and 先行救助 straight
away. Place, what happened and a phone number then enrich the case as a note. If the
backend cannot be reached the hotlines are still given.
"""

from __future__ import annotations

import logging
from typing import Any

from base.messages import BotReply
from base.privacy import mask_text
from flows import identity
from flows.base import TurnContext, call
from flows.extract import text_of
from flows.forms import Form, Slot
from flows.texts import texts
from nlu.places import match_place
from nlu.validators import mask_phone
from services.chat import application_channel

log = logging.getLogger(__name__)

SUMMARY_LIMIT = 200
GENERIC: tuple[str, ...] = tuple(texts().raw("urgent.generic_openers"))
SKIP_WORDS: tuple[str, ...] = tuple(texts().raw("identity.words")["skip"])


def free_text(ctx: TurnContext) -> str | None:
    """The answer as typed, or SKIP for 跳过/不方便 (the question is then left out)."""
    text = ctx.text.strip()
    if text.strip("。.!！ ") in SKIP_WORDS:
        return identity.SKIP
    return text if len(text) >= 2 else None


def describes_event(opener: str) -> bool:
    """Whether the first message already says what happened ("家里着火了"), not just "救命"."""
    bare = opener.strip().strip("!！。.~ ")
    return len(bare) >= 4 and bare not in GENERIC


class UrgentFlow(Form):
    name = "urgent"
    urgent_interrupt = False  # answers here describe hardship; they are not new emergencies
    cancelled_text = "urgent.cancelled"
    intents = ("urgent_help",)
    confirm = False  # every second counts: the case already exists, answers only add to it
    slots = (
        Slot("place", "urgent.ask_place", extract=free_text),
        Slot("what", "urgent.ask_what", extract=free_text),
        Slot(
            "phone",
            "urgent.ask_phone",
            extract=identity.phone_or_skip,
            validate=identity.contact_problem,
            hints={"request_phone": True},
            unclear="urgent.phone_unclear",
        ),
    )

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        opener = "" if ctx.payload else ctx.text.strip()
        summary = mask_text(opener)[:SUMMARY_LIMIT] if opener else ctx.texts("urgent.from_menu")
        backend = ctx.services.backend
        try:
            outcome = await call(
                ctx,
                backend.create_case,
                "urgent",
                priority="urgent",
                channel=application_channel(ctx.message.channel),
                chat_channel=ctx.message.channel,
                chat_sender=ctx.message.sender_id,
                summary=summary,
            )
        except Exception:
            # Never let a database problem hide the hotlines from someone in danger.
            log.exception("urgent case could not be stored")
            ctx.session.end_flow()
            return [ctx.say("urgent.not_recorded")]
        ctx.session.start_flow(self.name)
        ctx.session.form["asked"] = []
        values = self.values(ctx)
        values["case_no"] = outcome.case.case_no if outcome.case else ""
        # What the first message already says is not asked again, nor noted twice.
        values["from_opener"] = []
        if opener and describes_event(text_of(ctx)):
            values["what"] = opener
            values["from_opener"].append("what")
        if opener and match_place(opener, ctx.services.region) is not None:
            values["place"] = opener
            values["from_opener"].append("place")
        received = ctx.say("urgent.received", case=outcome.case)
        return [received, *await self._advance(ctx)]

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        phone = identity.given(values.get("phone"))
        new = {
            name: mask_text(values[name])
            for name in ("place", "what")
            if values[name] != identity.SKIP and name not in values["from_opener"]
        }
        place_text = values["place"] if values["place"] != identity.SKIP else ""
        place = match_place(place_text, ctx.services.region) if place_text else None
        facts = {**{"place": "", "what": ""}, **new, "phone": mask_phone(phone) if phone else ""}
        note = ctx.texts("urgent.note", **facts)
        try:
            await call(
                ctx,
                ctx.services.backend.add_note,
                values["case_no"],
                note,
                staff_text=ctx.texts("urgent.staff_note", case_no=values["case_no"], note=note),
                summary_extra=note,
                township=place.township if place else "",
                village=(place.village or "") if place else "",
                phone=phone,
            )
        except Exception:
            log.exception("urgent note could not be stored")
            return [ctx.say("urgent.note_failed", case_no=values["case_no"])]
        return [ctx.say("urgent.done", case_no=values["case_no"], phone=facts["phone"])]
