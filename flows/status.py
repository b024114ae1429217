"""Where does my case stand? For the chat account that applied, or by case number
plus the last 6 characters of the 身份证号. Nothing about a case is shown before
identity is proven; failed look-ups are limited per case in the database
(``services.status``: 5 an hour), whichever sender, channel or process tries.
"""

from __future__ import annotations

import re
from typing import Any

from base.messages import BotReply, Button
from flows.base import TurnContext, call
from flows.extract import text_of
from flows.forms import Form, Slot
from policies.catalog import load_catalog
from services.status import StatusOutcome

_CASE_NO = re.compile(r"JZ\s*-?\s*(\d{8})\s*-\s*(\d{4,})", re.IGNORECASE)
_LAST6 = re.compile(r"(?<![0-9])[0-9]{5}[0-9Xx](?![0-9Xx])")
# Session hint: the case whose look-up this chat saw locked, so a bare 「查进度」 says so
# at once (the lock itself is kept per case in the database).
LOCKED_CASE = "_status_locked_case"


def _case_number(ctx: TurnContext) -> str | None:
    found = _CASE_NO.search(ctx.parse.first("case_number") or text_of(ctx))
    return f"JZ{found.group(1)}-{found.group(2)}" if found else None


def _last6(ctx: TurnContext) -> str | None:
    text = text_of(ctx).replace(" ", "")
    found = _LAST6.findall(text)
    return found[-1].upper() if found else None


def program_names(ids: list[str]) -> list[str]:
    programs = load_catalog().programs
    return [programs[p].short_name if p in programs else p for p in ids]


def show_case(ctx: TurnContext, case: Any) -> str:
    return ctx.texts("status.case", case=case, programs=program_names(case.programs))


class StatusFlow(Form):
    name = "status"
    intents = ("application_status",)
    confirm = False
    slots = (
        Slot(
            "case_number",
            "status.ask_case_number",
            extract=_case_number,
            unclear="status.case_number_unclear",
            eager=True,
        ),
        Slot("id_last6", "status.ask_last6", extract=_last6, unclear="status.last6_unclear"),
    )

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        status = ctx.services.status
        case_no = _case_number(ctx) or ctx.session.slots.get(LOCKED_CASE)
        if not _case_number(ctx):
            mine = await call(ctx, status.mine, ctx.message.channel, ctx.message.sender_id)
            if mine:
                ctx.session.end_flow()
                shown = "\n\n".join(show_case(ctx, case) for case in mine[:3])
                return [BotReply(ctx.texts("status.yours", cases=shown, more=len(mine) > 3))]
        if case_no:
            locked = await call(ctx, status.locked, str(case_no))
            if locked is not None:
                ctx.session.end_flow()
                return status_replies(ctx, locked)
            ctx.session.slots.pop(LOCKED_CASE, None)
        return await super().start(ctx)

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        case_no = values["case_number"]
        outcome = await call(ctx, ctx.services.status.look_up, case_no, values["id_last6"])
        if outcome.result == "locked":
            ctx.session.slots[LOCKED_CASE] = case_no
        return status_replies(ctx, outcome)


def status_replies(ctx: TurnContext, outcome: StatusOutcome) -> list[BotReply]:
    """The case; or nothing about it, with the tries left; or the lock."""
    if outcome.result == "found" and outcome.case is not None:
        said = [ctx.texts("status.staff_message", text=text) for text in outcome.messages]
        return [BotReply("\n".join([show_case(ctx, outcome.case), *said]).strip())]
    if outcome.result == "not_found":
        retry = (Button(ctx.texts("status.retry"), "/application_status"),)
        return [BotReply(ctx.texts("status.not_found", left=outcome.left), retry)]
    handoff = (Button(ctx.texts("status.handoff"), "/human_handoff"),)
    return [BotReply(ctx.texts("status.locked", minutes=outcome.minutes), handoff)]
