"""Suggestions, complaints and tip-offs (建议/投诉/举报) → a ``feedback`` case.

A tip-off about improper benefits (举报) keeps the reporter confidential: the summary
that staff lists and notifications show says nothing about who reported, and the
contact number, if any, is kept only as the case's contact for the staff detail view.
"""

from __future__ import annotations

from typing import Any

from base.messages import BotReply
from base.privacy import mask_text
from flows import identity, reading
from flows.base import TurnContext, call
from flows.forms import Form, Slot, choices_from
from flows.texts import texts
from nlu.answers import Reading
from nlu.facts import extract_facts

KINDS: list[dict[str, Any]] = texts().raw("feedback.kinds")
CHOICES = choices_from(KINDS)
# A first message this long carries the content itself ("我要举报二港村李某家有车还领低保"),
# not only the wish to give feedback ("我要投诉"): it is not asked for again.
OPENER_CONTENT = 12


content = reading.free_text(4)
_place_text = reading.free_text(2)
ASKS_PLACE = ("complaint", "tipoff")  # staff go and check these on the spot
# session slot, for one start: the place this chat account is known by (its roster
# entry or application), so a complaint from it is not asked where
KNOWN_PLACE = "_feedback_known_place"


def _place(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """Where it happened, as said ("龙洞村", "镇上民政办"), or SKIP (跳过, 不方便说)."""
    if identity.says_skip(ctx.text):
        return Reading(identity.SKIP)
    return _place_text(ctx, values)


def _fears(ctx: TurnContext, values: dict[str, Any]) -> str | None:
    """ "我怕被报复 你们会保密不": the reassurance, at whatever question it is said."""
    said = ctx.text.replace(" ", "")
    if any(word in said for word in texts().raw("feedback.fear_words")):
        return texts()("feedback.reassure", kind=values.get("kind", ""))
    return None


def _named_place(ctx: TurnContext, text: str) -> str | None:
    """The township (and village) the content names, if any."""
    facts = extract_facts(text, ctx.services.region)
    if not facts.get("township"):
        return None
    return f"{facts['township']}{facts.get('village') or ''}"


class FeedbackFlow(Form):
    name = "feedback"
    urgent_interrupt = False  # answers here describe hardship; they are not new emergencies
    intents = ("feedback",)
    slots = (
        Slot(
            "kind",
            "feedback.ask_kind",
            label="labels.feedback_kind",
            choices=CHOICES,
            fact="feedback_kind",  # "我要举报…" already says which
        ),
        Slot(
            "content",
            "feedback.ask_content",
            label="labels.feedback_content",
            read=content,
            question_values=lambda values: {"kind": values.get("kind", "")},
            show=mask_text,
            unclear="feedback.content_short",
            about=_fears,
        ),
        Slot(
            "place",
            "feedback.ask_place",
            label="labels.feedback_place",
            read=_place,
            ask_if=lambda values: values.get("kind") in ASKS_PLACE,
            show=lambda value: (
                texts()("feedback.place_skipped") if value == identity.SKIP else value
            ),
            unclear="feedback.place_unclear",
            about=_fears,
        ),
        Slot(
            "contact",
            "feedback.ask_contact",
            label="labels.feedback_contact",
            read=identity.phone_or_skip,
            validate=identity.contact_problem,
            show=identity.show_phone,
            question_values=lambda values: {"kind": values.get("kind", "")},
            hints={"request_phone": True},
            unclear="feedback.contact_unclear",
            about=_fears,
        ),
    )

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        if ctx.payload:
            return {}
        return {"feedback_kind": reading.choice(CHOICES, ctx, {}).value}

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        township, village = await call(
            ctx, ctx.services.chat_cases.place_of, ctx.message.channel, ctx.message.sender_id
        )
        ctx.session.slots[KNOWN_PLACE] = f"{township}{village}" if township else ""
        return await super().start(ctx)

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        known = ctx.session.slots.pop(KNOWN_PLACE, "") or None
        said = ctx.text.strip()
        if ctx.payload or len(said) < OPENER_CONTENT:
            return {"place": known, "_place_told": bool(known) or None}
        named = _named_place(ctx, said) or known
        return {"content": said, "place": named, "_place_told": bool(named) or None}

    def on_filled(self, ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
        if slot.name == "content" and not values.get("place"):
            named = _named_place(ctx, str(values["content"]))
            if named:
                values["place"] = named  # "二港村李某家…": not asked
                values["_place_told"] = True

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        kind = values["kind"]
        contact = identity.given(values["contact"])
        place = values.get("place")
        place = None if place in (None, identity.SKIP) else str(place)
        summary = ctx.texts(
            "feedback.summary",
            kind=kind,
            text=mask_text(values["content"]),
            place=mask_text(place) if place and not values.get("_place_told") else None,
        )
        # A place named in the content (or asked) routes the case to that township's staff.
        opened = await call(
            ctx,
            ctx.services.chat_cases.open,
            "feedback",
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=summary,
            place_text=f"{place or ''} {values['content']}",
            contact=contact,
        )
        return [ctx.say("feedback.done", case=opened.case, kind=kind, anonymous=contact is None)]
