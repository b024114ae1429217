"""Hand-off to a person (转人工) — a conversation, not a ticket.

转人工 opens a ``handoff`` case with the recent conversation (masked) and attaches the
chat to it: until the resident goes back (回到小助手 / 结束人工) or staff close the case,
every message the resident writes is added to the case and reaches staff at once
(``services.handoff``); staff answers come back to this chat through the outbox. The
form the resident was filling in stays (paused, as 菜单 keeps it) and is offered again
when they go back. Outside office hours the resident is told when someone will answer.
An emergency still goes the urgent way: the engine checks for danger first.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from base.datafiles import load_yaml
from base.messages import BotReply, Button
from base.privacy import mask_text
from flows import reading
from flows.base import Flow, TurnContext, call
from flows.forms import HANDOFF_FACTS, KEPT_FACTS
from flows.hours import answered, availability
from flows.place import known_place
from services.chat import ChatCase

if TYPE_CHECKING:
    from backend.schemas import CaseView
    from nlu.danger import Danger

log = logging.getLogger(__name__)

RECENT_TURNS = 6
LINE_LIMIT = 120
SUMMARY_LIMIT = 1500
ATTACHED = "_handoff"  # session slot: the number of the hand-off case this chat is attached to
# session slot: the hand-off case whose answer time was said, and whether someone was on
# duty then; the next messages get the short receipt while that still holds
TOLD_WHEN = "_handoff_told"
# session slot: the hand-off case where words of despair were said; what follows ("她人冇事
# 就是嘴巴上讲") is a risk follow-up for staff, never a 误报
DESPAIR_SAID = "_handoff_despair"
# The bare command ("转人工") says nothing staff need; a sentence ("想问问低保的事") does.
_COMMANDS = load_yaml(Path(__file__).parents[1] / "bot" / "global_commands.yml")
HANDOFF_WORDS: frozenset[str] = frozenset(_COMMANDS.get("handoff", []))
# session slot: the last policy question written to staff ({case_no, id, text}); when
# nobody answered it by 回到小助手 the assistant does (``UNANSWERED``, probeG F17)
ASKED = "_handoff_asked"
UNANSWERED = "_handoff_unanswered"
QUESTION_CONFIDENCE = 0.6  # a policy question written to staff at least this surely


def recent_conversation(ctx: TurnContext) -> str:
    """The last turns as staff read them, each line masked and cut short."""
    lines: list[str] = []
    for turn in ctx.session.history[-RECENT_TURNS:]:
        lines.append(ctx.texts("handoff.user_line", text=mask_text(turn.user)[:LINE_LIMIT]))
        for said in turn.bot[:1]:  # the first reply is enough to see where the user was
            lines.append(ctx.texts("handoff.bot_line", text=mask_text(said)[:LINE_LIMIT]))
    return "\n".join(lines)


def attached_case(ctx: TurnContext) -> str | None:
    """The hand-off case this chat is attached to, if any."""
    case_no = ctx.session.slots.get(ATTACHED)
    return str(case_no) if case_no else None


class HandoffFlow(Flow):
    name = "handoff"
    urgent_interrupt = False  # answers here describe hardship; they are not new emergencies
    intents = ("human_handoff",)

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        life = await _life_case(ctx)
        if life is not None:
            # asking for a person with a danger to life open: that case, not a ticket for
            # the next morning; and how to reach a person right now
            return [await _to_life_case(ctx, life)]
        session = ctx.session
        was_doing = session.flow if session.flow != self.name else None
        if was_doing:
            session.paused = True  # the half-filled form stays, as 菜单 keeps it
        opened = await call(
            ctx,
            ctx.services.chat_cases.handoff,
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=handoff_summary(ctx, was_doing),
            **known_place(ctx),
        )
        session.slots[ATTACHED] = opened.case.case_no
        return handoff_replies(ctx, opened, kept=bool(was_doing))

    async def converse(self, ctx: TurnContext) -> tuple[bool, list[BotReply]]:
        """A message while attached: to the case and to staff — (True, the replies).
        (False, a notice) when the case has ended meanwhile: the chat is detached and
        the engine goes on as usual, the notice first."""
        case_no = attached_case(ctx)
        if case_no is None:
            return False, []
        handoffs = ctx.services.handoffs
        case = await call(ctx, handoffs.still_open, case_no)
        if case is None:
            self.release(ctx)
            return False, [ctx.say("handoff.case_closed", case_no=case_no)]
        try:
            event_id = await call(ctx, handoffs.say, case_no, ctx.text)
        except Exception:
            log.exception("hand-off message could not be stored")
            return True, [ctx.say("handoff.not_sent", buttons=back_buttons(ctx))]
        if _asks_policy(ctx):  # "佢系咪可以拎特困？一个月几多钱？"
            ctx.session.slots[ASKED] = {"case_no": case_no, "id": event_id, "text": ctx.text}
        await _place_named(ctx, case_no)
        await _keep_facts(ctx, case_no)
        replies = _asides(ctx, case_no)
        when = availability(ctx)
        told = ctx.session.slots.get(TOLD_WHEN) or {}
        if told.get("case_no") == case_no and told.get("now") == bool(when.get("now")):
            return True, [*replies, ctx.say("handoff.sent_again", buttons=back_buttons(ctx))]
        ctx.session.slots[TOLD_WHEN] = {"case_no": case_no, "now": bool(when.get("now"))}
        sent = ctx.say("handoff.sent", buttons=back_buttons(ctx), case_no=case_no, **when)
        return True, [*replies, sent]

    async def on_danger(self, ctx: TurnContext, danger: Danger) -> list[BotReply] | None:
        """Danger words in a message of the hand-off ("…我娘天天念叨不如死了算了" in an
        answer to staff): the numbers first, the message to the conversation staff are in
        and the case itself marked danger to life — one case, the one the staff member
        reads; the chat stays in the hand-off. None when the case has ended meanwhile
        (the urgent way then)."""
        from flows.urgent import life_lines

        case_no = attached_case(ctx)
        if case_no is None:
            return None
        handoffs = ctx.services.handoffs
        case = await call(ctx, handoffs.still_open, case_no)
        if case is None:
            self.release(ctx)
            return None
        lines = life_lines(ctx, danger)
        try:
            await call(ctx, handoffs.say, case_no, ctx.text)
            await call(ctx, handoffs.flag_life, case_no, ctx.text, place_text=ctx.text)
        except Exception:
            log.exception("hand-off danger could not be stored")
            return [*lines, ctx.say("handoff.not_sent", buttons=back_buttons(ctx))]
        if danger.despair:
            ctx.session.slots[DESPAIR_SAID] = case_no
        told = ctx.say(
            "handoff.life_told",
            buttons=back_buttons(ctx),
            case_no=case_no,
            despair=danger.despair,
            **availability(ctx),
        )
        return [*lines, told]

    def release(self, ctx: TurnContext) -> None:
        """Leave the conversation without a word (a button or command of the assistant)."""
        ctx.session.slots.pop(ATTACHED, None)
        ctx.session.slots.pop(TOLD_WHEN, None)
        ctx.session.slots.pop(ASKED, None)
        ctx.session.slots.pop(DESPAIR_SAID, None)

    async def end(self, ctx: TurnContext) -> list[BotReply]:
        """回到小助手 / 结束人工: back to the assistant; a kept form is offered again; a
        policy question nobody answered yet is left for the assistant (``UNANSWERED``)."""
        case_no = attached_case(ctx)
        if case_no is None:
            return [ctx.say("handoff.not_attached")]
        asked = ctx.session.slots.get(ASKED) or {}
        if asked.get("case_no") == case_no:
            try:
                answered = await call(
                    ctx, ctx.services.handoffs.answered_since, case_no, int(asked["id"])
                )
            except Exception:
                log.exception("hand-off conversation could not be read")
                answered = True
            if not answered:
                ctx.session.slots[UNANSWERED] = str(asked["text"])
        self.release(ctx)
        session = ctx.session
        if session.flow and session.paused:
            buttons = (Button(ctx.texts("handoff.button_continue"), "/continue"),)
            return [ctx.say("handoff.ended_kept", buttons=buttons, case_no=case_no)]
        return [ctx.say("handoff.ended", case_no=case_no)]


def _asks_policy(ctx: TurnContext) -> bool:
    """A policy question (how much, who can get it …) the assistant could answer too."""
    from flows.policy import ASPECTS

    parse = ctx.parse
    return parse.intent in ASPECTS and parse.confidence >= QUESTION_CONFIDENCE


async def _life_case(ctx: TurnContext) -> CaseView | None:
    """This chat's urgent case marked danger to life and not yet closed, if any."""
    try:
        case = await call(
            ctx,
            ctx.services.chat_cases.waiting_urgent,
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
        )
    except Exception:
        log.exception("urgent cases could not be read")
        return None
    return case if case is not None and case.priority == "life" else None


async def _to_life_case(ctx: TurnContext, case: CaseView) -> BotReply:
    """The wish to talk to a person added to the urgent case (staff told at once)."""
    from flows.urgent import TOLD

    said = mask_text(ctx.text.strip())[:LINE_LIMIT]
    try:
        await call(
            ctx,
            ctx.services.chat_cases.add_note,
            case.case_no,
            ctx.texts("urgent.person_note", text=said),
            staff_text=ctx.texts("urgent.person_staff_note", case_no=case.case_no, text=said),
            life=True,
        )
    except Exception:
        log.exception("urgent note could not be stored")
    told = ctx.session.slots.get(TOLD) or {}
    despair = told.get("case_no") == case.case_no and bool(told.get("despair"))
    from flows.urgent import wants_to_talk

    listen = despair and wants_to_talk(ctx)  # "我就想找人说说话": listened to first (probeI R1)
    return ctx.say(
        "urgent.urgent_person",
        case_no=case.case_no,
        despair=despair,
        listen=listen,
        **answered(ctx),
    )


async def _keep_facts(ctx: TurnContext, case_no: str) -> None:
    """The household facts the resident tells staff ("六十三了 新桥河镇枫树村的" to
    "您多大年纪，住哪个村？"), kept for the next form, which does not ask them again
    (probeM 9). A bare number is an age only when staff asked the age."""
    try:
        asked = await call(ctx, ctx.services.handoffs.staff_asked, case_no)
    except Exception:
        log.exception("staff question could not be read")
        asked = ""
    said = asked.replace(" ", "")
    slot = "ages" if any(w in said for w in ctx.texts.raw("handoff.age_asked_words")) else None
    facts = {k: v for k, v in reading.facts_of(ctx, slot).items() if k in KEPT_FACTS}
    if facts:
        kept = ctx.session.slots.setdefault(HANDOFF_FACTS, {})
        kept.update(facts)


async def _place_named(ctx: TurnContext, case_no: str) -> None:
    """The township named in the conversation for a case that has none."""
    try:
        await call(ctx, ctx.services.handoffs.set_place, case_no, ctx.text)
    except Exception:
        log.exception("hand-off place could not be stored")


def _asides(ctx: TurnContext, case_no: str) -> list[BotReply]:
    """What the message asks of the assistant while it goes to staff: whether staff see
    it ("小陈看到了冇"); after words of despair, "她人冇事 就是嘴巴上讲" taken as what it
    is — staff still told, no promise that nobody comes."""
    said = ctx.text.replace(" ", "")
    replies: list[BotReply] = []
    if ctx.session.slots.get(DESPAIR_SAID) == case_no and any(
        word in said for word in ctx.texts.raw("handoff.eased_words")
    ):
        replies.append(ctx.say("handoff.despair_eased", case_no=case_no))
    if any(word in said for word in ctx.texts.raw("handoff.seen_words")):
        replies.append(ctx.say("handoff.seen", case_no=case_no))
    return replies


def back_buttons(ctx: TurnContext) -> tuple[Button, ...]:
    return (Button(ctx.texts("handoff.button_back"), "/end_handoff"),)


def handoff_replies(ctx: TurnContext, opened: ChatCase, *, kept: bool = False) -> list[BotReply]:
    """A person will answer here — or is already about to, for the hand-off waiting."""
    key = "handoff.already_waiting" if opened.already_waiting else "handoff.done"
    when = availability(ctx)
    # the time is said here: the messages after get the short receipt
    ctx.session.slots[TOLD_WHEN] = {"case_no": opened.case.case_no, "now": bool(when.get("now"))}
    return [ctx.say(key, buttons=back_buttons(ctx), case=opened.case, kept=kept, **when)]


def handoff_summary(ctx: TurnContext, was_doing: str | None) -> str:
    """What staff read: what was asked, where the resident was, the recent turns (masked)."""
    history = recent_conversation(ctx)
    said = ctx.text.strip().strip("。.!！?？ ")
    opener = "" if ctx.payload or said in HANDOFF_WORDS else mask_text(said)
    head = ctx.texts("handoff.summary_head", opener=opener, flow=was_doing or "")
    tail = (
        [ctx.texts("handoff.history_title"), history]
        if history
        else [ctx.texts("handoff.no_history")]
    )
    return "\n".join([head, *tail])[:SUMMARY_LIMIT]
