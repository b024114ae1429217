"""Where does my case stand? For the chat account that applied, or by case number
plus the last 6 characters of the 身份证号. Nothing about a case is shown before
identity is proven, and at most 5 failed look-ups per hour are allowed per sender.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from base.messages import BotReply, Button
from flows.base import TurnContext, call
from flows.extract import text_of
from flows.forms import Form, Slot
from flows.texts import texts
from policies.catalog import load_catalog

_CASE_NO = re.compile(r"JZ\s*-?\s*(\d{8})\s*-\s*(\d{4,})", re.IGNORECASE)
_LAST6 = re.compile(r"(?<![0-9])[0-9]{5}[0-9Xx](?![0-9Xx])")
_FAILURES = "_status_failures"  # session slot: times of failed look-ups


def _case_number(ctx: TurnContext) -> str | None:
    found = _CASE_NO.search(ctx.parse.first("case_number") or text_of(ctx))
    return f"JZ{found.group(1)}-{found.group(2)}" if found else None


def _last6(ctx: TurnContext) -> str | None:
    text = text_of(ctx).replace(" ", "")
    found = _LAST6.findall(text)
    return found[-1].upper() if found else None


def _limits() -> dict[str, int]:
    limits: dict[str, int] = texts().raw("status.limits")
    return limits


def _recent_failures(ctx: TurnContext, now: dt.datetime) -> list[str]:
    window = dt.timedelta(minutes=_limits()["window_minutes"])
    kept = [
        t
        for t in ctx.session.slots.get(_FAILURES, [])
        if now - dt.datetime.fromisoformat(t) < window
    ]
    ctx.session.slots[_FAILURES] = kept
    return kept


def _locked(ctx: TurnContext) -> bool:
    now = dt.datetime.now(dt.UTC)
    return len(_recent_failures(ctx, now)) >= _limits()["max_failures"]


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
        backend = ctx.services.backend
        if not _case_number(ctx):
            mine = await call(
                ctx, backend.cases_for_sender, ctx.message.channel, ctx.message.sender_id
            )
            if mine:
                ctx.session.end_flow()
                shown = "\n\n".join(show_case(ctx, case) for case in mine[:3])
                return [BotReply(ctx.texts("status.yours", cases=shown, more=len(mine) > 3))]
        if _locked(ctx):
            ctx.session.end_flow()
            return [self._locked_reply(ctx)]
        return await super().start(ctx)

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        if _locked(ctx):
            return [self._locked_reply(ctx)]
        backend = ctx.services.backend
        case = await call(
            ctx, backend.verify_case_identity, values["case_number"], values["id_last6"]
        )
        if case is None:
            failures = ctx.session.slots.setdefault(_FAILURES, [])
            failures.append(dt.datetime.now(dt.UTC).isoformat())
            left = _limits()["max_failures"] - len(failures)
            if left <= 0:
                return [self._locked_reply(ctx)]
            retry = (Button(ctx.texts("status.retry"), "/application_status"),)
            return [BotReply(ctx.texts("status.not_found", left=left), retry)]
        return [BotReply(show_case(ctx, case))]

    def _locked_reply(self, ctx: TurnContext) -> BotReply:
        handoff = (Button(ctx.texts("status.handoff"), "/human_handoff"),)
        return BotReply(ctx.texts("status.locked", minutes=_limits()["window_minutes"]), handoff)
