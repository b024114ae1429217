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
from flows.forms import Form, Slot
from flows.texts import texts
from nlu.answers import Reading, read_case_number, read_id_last6
from nlu.finders.identity import case_numbers_of
from policies.catalog import load_catalog
from services.status import StatusOutcome

# Session hint: the case whose look-up this chat saw locked, so a bare 「查进度」 says so
# at once (the lock itself is kept per case in the database).
LOCKED_CASE = "_status_locked_case"
# Session hint: the case this chat proved it may see (number + 身份证后6位), so "为什么没批"
# right after is answered about it (flows/manage.py).
SEEN_CASE = "_status_seen_case"
# Session hint: what that case showed (stage, programs), for "那什么时候能批下来" after it.
SEEN_DETAIL = "_status_seen_detail"
# A number typed without its leading zeros ("jz20261202-13"): padded to 4 digits.
_SHORT_CASE_NO = re.compile(r"JZ\s*-?\s*(\d{8})\s*-\s*(\d{1,4})(?!\d)", re.IGNORECASE)


_CASE_NO = re.compile(r"JZ\s*-?\s*\d{8}\s*-?\s*\d{4,8}", re.IGNORECASE)


def padded(text: str) -> str:
    """The text with every case number written out in full (JZ20261202-0013)."""
    return _SHORT_CASE_NO.sub(lambda m: f"JZ{m.group(1)}-{int(m.group(2)):04d}", text)


def _case_number(ctx: TurnContext, values: dict[str, Any] | None = None) -> Reading:
    if ctx.payload:
        named = [str(p) for p in ctx.parse.all("case_number")]
        found = case_numbers_of(" ".join(named))
        return Reading(found[0] if found else None)
    return read_case_number(padded(ctx.text))


def _last6(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    return read_id_last6(digits_meant(ctx.text))


def digits_meant(text: str) -> str:
    """Letters typed for digits inside a number ("12OO23" → "120023"): a look-alike
    (status.yml ``digit_lookalikes``) next to a digit or another one."""
    table: dict[str, str] = texts().raw("status.digit_lookalikes")
    chars = list(text)

    def numeric(at: int) -> bool:
        return 0 <= at < len(text) and (text[at].isdigit() or text[at] in table)

    for at, char in enumerate(text):
        if char in table and (numeric(at - 1) or numeric(at + 1)):
            near = text[max(0, at - 2) : at + 3]
            if any(c.isdigit() for c in near):  # "OO" alone is no number
                chars[at] = table[char]
    return "".join(chars)


def last6_with_case(text: str) -> str | None:
    """The 身份证后6位 typed with the case number ("查进度 JZ20261202-0001 120023")."""
    rest = _CASE_NO.sub(" ", padded(text))
    return read_id_last6(digits_meant(rest)).value


def program_names(ids: list[str]) -> list[str]:
    programs = load_catalog().programs
    return [programs[p].short_name if p in programs else p for p in ids]


def show_case(ctx: TurnContext, case: Any, reason: str = "", review: Any = None) -> str:
    """A case's stage and next step; a refusal with its reason and how to ask for 复核, or
    the review already under way."""
    programs = program_names(case.programs)
    shown = ctx.texts("status.case", case=case, programs=programs, reason=reason, review=review)
    return shown.replace("。。", "。").replace("；。", "。").strip()


class StatusFlow(Form):
    name = "status"
    intents = ("application_status",)
    confirm = False
    lookup = True
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
        seen = _when_asked(ctx)
        if seen is not None:
            ctx.session.end_flow()
            return [BotReply(when_answer(ctx, seen))]
        status = ctx.services.status
        named = _case_number(ctx).value
        case_no = named or ctx.session.slots.get(LOCKED_CASE)
        if not named:
            mine = await call(ctx, status.mine, ctx.message.channel, ctx.message.sender_id)
            if mine:
                ctx.session.end_flow()
                reasons = await call(ctx, status.reasons, mine[:3])
                shown = "\n\n".join(
                    show_case(ctx, case, reasons.get(case.case_no, "")) for case in mine[:3]
                )
                return [BotReply(ctx.texts("status.yours", cases=shown, more=len(mine) > 3))]
        if named:
            # "查进度 JZ…" of this chat's 转人工: no 身份证后6位 to ask (probeI H9)
            own = await call(
                ctx, status.own_handoff, ctx.message.channel, ctx.message.sender_id, named
            )
            if own is not None:
                ctx.session.end_flow()
                return status_replies(ctx, own)
        if case_no:
            locked = await call(ctx, status.locked, str(case_no))
            if locked is not None:
                ctx.session.end_flow()
                return status_replies(ctx, locked)
            ctx.session.slots.pop(LOCKED_CASE, None)
        return await super().start(ctx)

    def claims(self, ctx: TurnContext) -> bool:
        """ "那什么时候能批下来？一个月能给多少钱" just after a case was shown: about it."""
        return _when_asked(ctx) is not None

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        if ctx.payload == "/application_status":  # 「再查一次」 after a miss: from the start
            ctx.session.end_flow()
            return await self.start(ctx)
        return await super().handle(ctx)

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        named = _case_number(ctx).value
        return {"case_number": named} if named else {}

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        if ctx.payload or not _case_number(ctx).value:
            return {}
        last6 = last6_with_case(ctx.text)
        return {"id_last6": last6} if last6 else {}

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        case_no = values["case_number"]
        outcome = await call(ctx, ctx.services.status.look_up, case_no, values["id_last6"])
        if outcome.result == "locked":
            ctx.session.slots[LOCKED_CASE] = case_no
        if outcome.result == "found" and outcome.case is not None:
            ctx.session.slots[SEEN_CASE] = outcome.case.case_no
            ctx.session.slots[SEEN_DETAIL] = {
                "case_no": outcome.case.case_no,
                "stage": outcome.case.stage,
                "programs": list(outcome.case.programs),
            }
        if outcome.result == "not_found" and outcome.left > 0:
            # the next 6 characters typed are another try for the same case ("12OO23")
            ctx.session.start_flow(self.name, "id_last6")
            self.values(ctx)["case_number"] = case_no
            ctx.session.form["asked"] = ["id_last6"]
        return status_replies(ctx, outcome)


def _when_asked(ctx: TurnContext) -> dict[str, Any] | None:
    """The case this chat was just shown, when the message asks when it is decided or paid
    ("什么时候能批下来", "要等多少天") and names no other case."""
    seen = ctx.session.slots.get(SEEN_DETAIL)
    if ctx.payload is not None or not isinstance(seen, dict):
        return None
    named = case_numbers_of(padded(ctx.text))
    if named and named[-1] != seen.get("case_no"):
        return None
    words: list[str] = ctx.texts.raw("status.when_words")
    return seen if any(word in ctx.text for word in words) else None


def when_answer(ctx: TurnContext, seen: dict[str, Any]) -> str:
    """Its stage and the time rule (低保: 30 working days from acceptance, 45 with an
    extension — shared/domain.md); how much, when asked, from the screening."""
    programs = [str(p) for p in seen.get("programs") or []]
    money: list[str] = ctx.texts.raw("status.amount_words")
    return ctx.texts(
        "status.when",
        case_no=seen.get("case_no"),
        stage=seen.get("stage"),
        programs="、".join(program_names(programs)),
        dibao="dibao" in programs,
        amount=any(word in ctx.text for word in money),
    )


def status_replies(ctx: TurnContext, outcome: StatusOutcome) -> list[BotReply]:
    """The case; or nothing about it, with the tries left; or the lock."""
    if outcome.result == "found" and outcome.case is not None:
        said = [ctx.texts("status.staff_message", text=text) for text in outcome.messages]
        shown = show_case(ctx, outcome.case, outcome.reason, outcome.review)
        return [BotReply("\n".join([shown, *said]).strip())]
    if outcome.result == "not_found":
        retry = (Button(ctx.texts("status.retry"), "/application_status"),)
        return [BotReply(ctx.texts("status.not_found", left=outcome.left), retry)]
    handoff = (Button(ctx.texts("status.handoff"), "/human_handoff"),)
    return [BotReply(ctx.texts("status.locked", minutes=outcome.minutes), handoff)]
