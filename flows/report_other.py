"""Reporting someone else in hardship (主动发现): who, where, what, and how to reach the
reporter — who may stay anonymous. Opens a ``discovery_report`` case for the township
the place names (typo-tolerant), so the right staff see it.
"""

from __future__ import annotations

from typing import Any

from base.messages import BotReply
from base.privacy import mask_text
from flows import identity, reading
from flows.base import TurnContext, call
from flows.forms import Form, Slot

# A first message this long already describes the situation ("隔壁李奶奶一个人住，病了没人
# 照顾"): it fills that question, which the summary shows and 修改 can change.
OPENER_SITUATION = 14


free_text = reading.free_text(2)


class ReportOtherFlow(Form):
    name = "report_other"
    urgent_interrupt = False  # answers here describe hardship; they are not new emergencies
    intents = ("report_other",)
    intro = "report_other.intro"
    slots = (
        Slot("who", "report_other.ask_who", label="labels.report_who", read=free_text),
        Slot("place", "report_other.ask_place", label="labels.report_place", read=free_text),
        Slot(
            "situation",
            "report_other.ask_situation",
            label="labels.report_situation",
            read=free_text,
        ),
        Slot(
            "contact",
            "report_other.ask_contact",
            label="labels.report_contact",
            read=identity.phone_or_skip,
            validate=identity.contact_problem,
            show=identity.show_phone,
            hints={"request_phone": True},
            unclear="report_other.contact_unclear",
        ),
    )

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        return {}  # the facts are about someone else: staff read the report

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        said = ctx.text.strip()
        return {"situation": said} if not ctx.payload and len(said) >= OPENER_SITUATION else {}

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        contact = identity.given(values["contact"])
        summary = ctx.texts(
            "report_other.summary",
            who=mask_text(values["who"]),
            place=mask_text(values["place"]),
            situation=mask_text(values["situation"]),
            anonymous=contact is None,
        )
        # The reporter is the case's contact: staff call this number back.
        opened = await call(
            ctx,
            ctx.services.chat_cases.open,
            "discovery_report",
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=summary,
            place_text=values["place"],
            contact=contact,
        )
        return [ctx.say("report_other.done", case=opened.case, anonymous=contact is None)]
