"""Quarterly self check-in (季度自主签到), and reporting a change of the household.

A recipient binds the chat account to the roster once (name + 身份证号 + phone; failed
tries are limited per roster entry in the database, ``services.binding``); after
that a check-in is four taps ("没有变化" × 4). Any change is described in one free-text
answer and goes to staff as a ``change_report`` case, opened by the backend in the
same transaction as the check-in. Words that read the answers live in
``flows/texts/checkin.yml``.
"""

from __future__ import annotations

import datetime as dt
import logging
from datetime import date
from typing import Any

from backend.clock import local_day
from backend.schemas import CheckInOutcome, RecipientPublic
from base.messages import BotReply, Button
from base.privacy import mask_text
from flows import identity, reading
from flows.base import TurnContext, call
from flows.forms import Choice, Form, Slot
from flows.place import known_place
from flows.texts import texts
from nlu.answers import UNKNOWN, Reading, read_change
from nlu.facts import extract_facts
from nlu.finders.text import prepare
from services.binding import BindOutcome
from services.checkins import AlreadyDone, CheckIns

log = logging.getLogger(__name__)

WORDS: dict[str, Any] = texts().raw("checkin.words")
ASPECTS: tuple[str, ...] = ("members", "income", "address", "health")
UNCHANGED, CHANGED = "unchanged", "changed"
YES_NO = (Choice(UNCHANGED, WORDS["unchanged_title"]), Choice(CHANGED, WORDS["changed_title"]))
# Session hint: when a lock on binding (kept per roster entry in the database) ends, so
# a new try in this chat is told at once instead of asking for the identity again.
LOCKED_UNTIL = "checkin_bind_locked_until"
# Session hint: when this chat was last told it is not on the roster, so "我是吃低保的呀
# 前年就批了" right after is read as a recipient whose details did not match, never as a
# new application.
NOT_FOUND_AT = "checkin_not_found_at"
# Set when this chat checked in: a 补充 told after it ("老头子住院了") is offered as a change.
CHECKED_IN = "checkin_done_at"
# The change this chat reported last ({case_no, at}): more told within the hours of
# ``checkin.change_more_hours`` ("我还想补充一下 老头子上个礼拜住院了") goes on that case.
CHANGE_REPORTED = "_change_reported"
NOT_FOUND_MINUTES = 30


def same_or_changed(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """ "没变" → unchanged, "少了一个人" → changed (``nlu.answers.read_change``)."""
    return read_change(ctx.text, region=ctx.services.region)


def aspect_reader(aspect: str) -> Any:
    """The answer about one aspect, and what it tells of the others: an income said with
    its amount at another question ("人还是那几个 就是我儿子出去打工了 一个月三千") is an
    income change, kept with its words — never asked again; "人还是那几个" keeps the
    members unchanged."""

    def reader(ctx: TurnContext, values: dict[str, Any]) -> Reading:
        said = prepare(ctx.text).text
        found = same_or_changed(ctx, values)
        if aspect == "members" and any(word in said for word in WORDS["members_same"]):
            found = Reading(UNCHANGED, sure=True, facts=found.facts)
        income = extract_facts(ctx.text, ctx.services.region).get("monthly_income")
        if aspect != "income" and ctx.payload is None and income not in (None, 0, UNKNOWN):
            values["income"] = CHANGED
            values.setdefault("changes", ctx.text.strip())
        return found

    return reader


description = reading.free_text(2)


def _bound(values: dict[str, Any]) -> bool:
    return "recipient" in values


def _unbound(values: dict[str, Any]) -> bool:
    return "recipient" not in values


def _any_change(values: dict[str, Any]) -> bool:
    return any(values.get(aspect) == CHANGED for aspect in ASPECTS)


def _aspect_slot(aspect: str) -> Slot:
    return Slot(
        aspect,
        f"checkin.ask_{aspect}",
        label=f"labels.checkin_{aspect}",
        choices=YES_NO,
        read=aspect_reader(aspect),
        ask_if=_bound,
        unclear="checkin.yes_no_unclear",
    )


def quarter_label(quarter: str) -> str:
    return texts()("checkin.quarter_label", year=quarter[:4], number=quarter[-1])


def next_quarter_start(quarter: str) -> date:
    year, number = int(quarter[:4]), int(quarter[-1])
    return date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)


class CheckinFlow(Form):
    name = "checkin"
    intents = ("checkin",)
    confirm = False  # four taps, no summary: a check-in should take under a minute
    slots = (
        Slot(
            "name",
            "checkin.ask_name",
            label="labels.name",  # said back when the first message gave it
            read=identity.name,
            fact="name",
            validate=identity.name_problem,
            ask_if=_unbound,
        ),
        Slot(
            "id_number",
            "checkin.ask_id_number",
            read=identity.id_number,
            fact="id_number",
            validate=identity.id_problem,
            ask_if=_unbound,
            unclear="checkin.id_unclear",
        ),
        Slot(
            "phone",
            "checkin.ask_phone",
            read=identity.phone,
            fact="phone",
            validate=identity.phone_check,
            ask_if=_unbound,
            hints={"request_phone": True},
            unclear="checkin.phone_unclear",
        ),
        *(_aspect_slot(aspect) for aspect in ASPECTS),
        Slot("changes", "checkin.ask_changes", read=description, ask_if=_any_change),
    )

    def claims(self, ctx: TurnContext) -> bool:
        """ "我是吃低保的呀 前年就批了" just after the roster did not match."""
        return ctx.payload is None and _just_not_found(ctx) and says_recipient(ctx)

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        if self.claims(ctx):
            ctx.session.end_flow()
            retry, person, _ = help_buttons(ctx)
            return [ctx.say("checkin.recipient_not_matched", buttons=(retry, person))]
        binding = ctx.services.binding
        recipient = await call(
            ctx, binding.recipient_for, ctx.message.channel, ctx.message.sender_id
        )
        if recipient is None:
            if _locked(ctx):
                ctx.session.end_flow()
                return [ctx.say("checkin.bind_locked", buttons=help_buttons(ctx))]
            ctx.session.start_flow(self.name)
            ctx.session.form["asked"] = []
            # "我来季度签到 我是低保户 叫吴春生": what the first message told is not asked again
            values = self.values(ctx)
            noted = self.take_facts(ctx, self.opening_facts(ctx), values)
            told = self._noted(ctx, noted)
            return [ctx.say("checkin.bind_intro"), *told, *await self._advance(ctx)]
        done = await already_done(ctx, recipient)
        if done is not None:
            return [done]
        ctx.session.start_flow(self.name)
        ctx.session.form["asked"] = []
        self.values(ctx)["recipient"] = keep_recipient(recipient)
        intro = ctx.say("checkin.intro", name=recipient.name, quarter=quarter_label(_quarter()))
        return [intro, *await self._advance(ctx)]

    async def _advance(self, ctx: TurnContext) -> list[BotReply]:
        values = self.values(ctx)
        if _unbound(values) and all(k in values for k in ("name", "id_number", "phone")):
            return await self._bind(ctx, values)
        return await super()._advance(ctx)

    async def _bind(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        # The 身份证号 and phone leave the session as soon as they were checked.
        name, id_number, phone = values.pop("name"), values.pop("id_number"), values.pop("phone")
        outcome = await call(
            ctx,
            ctx.services.binding.bind,
            ctx.message.channel,
            ctx.message.sender_id,
            name,
            id_number,
            phone,
        )
        recipient = outcome.recipient
        if recipient is None:
            ctx.session.end_flow()
            return bind_failed_replies(ctx, outcome)
        ctx.session.slots.pop(LOCKED_UNTIL, None)
        bound = ctx.say("checkin.bound", name=recipient.name, id_masked=recipient.id_masked)
        done = await already_done(ctx, recipient)
        if done is not None:
            ctx.session.end_flow()
            return [bound, done]
        values["recipient"] = keep_recipient(recipient)
        ctx.session.form["asked"] = []  # 返回 from the first check-in question stays there
        intro = ctx.say("checkin.intro", name=recipient.name, quarter=quarter_label(_quarter()))
        return [bound, intro, *await super()._advance(ctx)]

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        quarter = _quarter()
        answers, changes = checkin_answers(ctx, values)
        outcome = await call(
            ctx,
            ctx.services.checkins.record,
            values["recipient"]["id"],
            quarter,
            answers,
            changes,
            chat_channel=ctx.message.channel,
        )
        ctx.session.slots[CHECKED_IN] = dt.datetime.now(dt.UTC).isoformat()
        if outcome.change_case is not None:
            _remember_change(ctx, outcome.change_case.case_no)
        return recorded_replies(ctx, quarter, outcome)


def checkin_answers(ctx: TurnContext, values: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The four answers, and the change staff are told of (if something changed)."""
    answers = {aspect: values[aspect] for aspect in ASPECTS}
    changes: list[str] = []
    if _any_change(values):
        areas = "、".join(texts()(f"labels.checkin_{a}") for a in ASPECTS if values[a] == CHANGED)
        changes.append(
            ctx.texts("checkin.change_line", areas=areas, text=mask_text(values["changes"]))
        )
    return answers, changes


def recorded_replies(ctx: TurnContext, quarter: str, outcome: CheckInOutcome) -> list[BotReply]:
    if outcome.already_done:
        return [_done_reply(ctx, quarter, local_day(outcome.checkin.at))]
    return [
        ctx.say(
            "checkin.recorded",
            quarter=quarter_label(quarter),
            next_start=next_quarter_start(quarter),
            case=outcome.change_case,
        )
    ]


class ReportChangeFlow(Form):
    """ "家里情况有变化": the change question of the check-in, on its own, any time."""

    name = "report_change"
    intents = ("report_change",)
    confirm = False
    slots = (Slot("changes", "checkin.ask_change_alone", read=description),)

    def claims(self, ctx: TurnContext) -> bool:
        """ "我还想补充一下 老头子上个礼拜住院了" soon after a change was reported: more
        of that change (``submit`` adds it to the same case)."""
        if ctx.payload is not None or _change_reported(ctx) is None:
            return False
        said = ctx.text.replace(" ", "")
        return any(word in said for word in ctx.texts.raw("checkin.change_more_words"))

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        """ "人还是那几个 就是我儿子出去打工了 一个月三千": the change is told in the
        first message — taken as told, not asked for again; "家里情况有变化" alone asks."""
        if ctx.payload is not None:
            return {}
        rest = ctx.text.replace(" ", "")
        for phrase in sorted(ctx.texts.raw("checkin.change_phrases"), key=len, reverse=True):
            rest = rest.replace(phrase, "")
        told = read_change(rest).value == "changed" or bool(reading.facts_of(ctx))
        return {"changes": ctx.text.strip()} if told else {}

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        earlier = _change_reported(ctx)
        if earlier is not None:
            text = mask_text(values["changes"])
            note = ctx.texts("checkin.change_more_note", text=text)
            staff = ctx.texts("checkin.change_more_staff", case_no=earlier, text=text)
            try:
                await call(ctx, ctx.services.chat_cases.add_note, earlier, note, staff_text=staff)
            except Exception:
                log.exception("change note could not be stored; a new report is opened")
            else:
                _remember_change(ctx, earlier)
                return [ctx.say("checkin.change_more_added", case_no=earlier)]
        opened = await call(
            ctx,
            ctx.services.chat_cases.change_report,
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=ctx.texts("checkin.change_alone_summary", text=mask_text(values["changes"])),
            **known_place(ctx),
        )
        _remember_change(ctx, opened.case.case_no)
        told = mask_text(values["changes"])
        return [ctx.say("checkin.change_reported", case=opened.case, bound=opened.bound, text=told)]


def _remember_change(ctx: TurnContext, case_no: str) -> None:
    ctx.session.slots[CHANGE_REPORTED] = {
        "case_no": case_no,
        "at": dt.datetime.now(dt.UTC).isoformat(),
    }


def _change_reported(ctx: TurnContext) -> str | None:
    """The change case this chat reported within the last hours, if any."""
    told = ctx.session.slots.get(CHANGE_REPORTED) or {}
    try:
        at = dt.datetime.fromisoformat(str(told.get("at", "")))
    except ValueError:
        return None
    hours = float(ctx.texts.raw("checkin.change_more_hours"))
    fresh = dt.datetime.now(dt.UTC) - at <= dt.timedelta(hours=hours)
    return str(told["case_no"]) if fresh and told.get("case_no") else None


# -- helpers --------------------------------------------------------------------------
def _quarter() -> str:
    return CheckIns.quarter()


def keep_recipient(recipient: RecipientPublic) -> dict[str, Any]:
    """What the session keeps of the roster entry: no 身份证号, not even masked."""
    return {"id": recipient.id, "name": recipient.name}


async def already_done(ctx: TurnContext, recipient: RecipientPublic) -> BotReply | None:
    done: AlreadyDone | None = await call(ctx, ctx.services.checkins.done, recipient, _quarter())
    return done_reply(ctx, done) if done is not None else None


def done_reply(ctx: TurnContext, done: AlreadyDone) -> BotReply:
    """「本季度已签到」, with the day it was done and when the next one opens."""
    return _done_reply(ctx, done.quarter, done.day)


def bind_failed_replies(ctx: TurnContext, outcome: BindOutcome) -> list[BotReply]:
    """Not on the roster as given, or locked after too many tries (for this roster entry,
    whichever chat tried); a lock is remembered in the session to answer at once."""
    if outcome.result == "locked":
        if outcome.locked_until is not None:
            ctx.session.slots[LOCKED_UNTIL] = outcome.locked_until.isoformat()
        return [ctx.say("checkin.bind_locked", buttons=help_buttons(ctx))]
    ctx.session.slots[NOT_FOUND_AT] = dt.datetime.now(dt.UTC).isoformat()
    return [ctx.say("checkin.not_found", buttons=help_buttons(ctx))]


def says_recipient(ctx: TurnContext) -> bool:
    """Whether the message says the person already receives aid ("吃低保的", "就批了")."""
    said = ctx.text.replace(" ", "")
    return any(word in said for word in ctx.texts.raw("checkin.recipient_words"))


def _just_not_found(ctx: TurnContext) -> bool:
    """Whether this chat was told "not on the roster" in the last half hour."""
    at = ctx.session.slots.get(NOT_FOUND_AT)
    if not isinstance(at, str):
        return False
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return False
    return dt.datetime.now(dt.UTC) - moment <= dt.timedelta(minutes=NOT_FOUND_MINUTES)


def _done_reply(ctx: TurnContext, quarter: str, day: date | None) -> BotReply:
    return ctx.say(
        "checkin.already_done",
        buttons=(Button(ctx.texts("checkin.button_report_change"), "/report_change"),),
        quarter=quarter_label(quarter),
        day=day,
        next_start=next_quarter_start(quarter),
    )


def help_buttons(ctx: TurnContext) -> tuple[Button, ...]:
    return (
        Button(ctx.texts("checkin.button_retry"), "/checkin"),
        Button(ctx.texts("checkin.button_person"), "/human_handoff"),
        Button(ctx.texts("checkin.button_screening"), "/self_screening"),
    )


def _locked(ctx: TurnContext) -> bool:
    """Whether this chat saw binding locked, and the lock has not ended yet."""
    until = ctx.session.slots.get(LOCKED_UNTIL)
    if not isinstance(until, str):
        return False
    try:
        moment = dt.datetime.fromisoformat(until)
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if moment > dt.datetime.now(dt.UTC):
        return True
    ctx.session.slots.pop(LOCKED_UNTIL, None)
    return False
