"""Where does my case stand? For the chat account that applied, or by case number
plus the last 6 characters of the 身份证号. Nothing about a case is shown before
identity is proven; failed look-ups are limited per case in the database
(``services.status``: 5 an hour), whichever sender, channel or process tries.
"""

from __future__ import annotations

from typing import Any

from base.messages import BotReply, Button
from flows.base import TurnContext, call
from flows.forms import Form, Slot
from nlu.answers import Reading, read_case_number, read_id_last6
from nlu.finders.identity import case_numbers_of
from policies.catalog import load_catalog
from services.status import StatusOutcome

# Session hint: the case whose look-up this chat saw locked, so a bare 「查进度」 says so
# at once (the lock itself is kept per case in the database).
LOCKED_CASE = "_status_locked_case"


def _case_number(ctx: TurnContext, values: dict[str, Any] | None = None) -> Reading:
    if ctx.payload:
        named = [str(p) for p in ctx.parse.all("case_number")]
        found = case_numbers_of(" ".join(named))
        return Reading(found[0] if found else None)
    return read_case_number(ctx.text)


def _last6(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_id_last6(ctx.text)


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
            read=_case_number,
            fact="case_number",
            unclear="status.case_number_unclear",
        ),
        Slot("id_last6", "status.ask_last6", read=_last6, unclear="status.last6_unclear"),
    )

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        status = ctx.services.status
        named = _case_number(ctx).value
        case_no = named or ctx.session.slots.get(LOCKED_CASE)
        if not named:
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

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        named = _case_number(ctx).value
        return {"case_number": named} if named else {}

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
