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

KINDS: list[dict[str, Any]] = texts().raw("feedback.kinds")
CHOICES = choices_from(KINDS)
# A first message this long carries the content itself ("我要举报二港村李某家有车还领低保"),
# not only the wish to give feedback ("我要投诉"): it is not asked for again.
OPENER_CONTENT = 12


content = reading.free_text(4)


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
        ),
    )

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        if ctx.payload:
            return {}
        return {"feedback_kind": reading.choice(CHOICES, ctx, {}).value}

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        said = ctx.text.strip()
        return {"content": said} if not ctx.payload and len(said) >= OPENER_CONTENT else {}

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        kind = values["kind"]
        contact = identity.given(values["contact"])
        summary = ctx.texts("feedback.summary", kind=kind, text=mask_text(values["content"]))
        # A place named in the content routes the case to that township's staff.
        opened = await call(
            ctx,
            ctx.services.chat_cases.open,
            "feedback",
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=summary,
            place_text=values["content"],
            contact=contact,
        )
        return [ctx.say("feedback.done", case=opened.case, kind=kind, anonymous=contact is None)]
