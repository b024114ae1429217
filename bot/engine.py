"""The dialogue engine: one ``UserMessage`` in, the replies out, the session saved.

Order of a turn: clean the text → map a typed number/title to the button it names →
global commands (取消/返回/菜单/转人工) → the active flow → the flow of the intent →
small talk → fallback with the menu. A crash in a turn leaves the session as it was.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from base.datafiles import load_yaml
from base.messages import BotReply, Button, UserMessage
from base.privacy import mask_text
from base.session import Session, Turn
from base.textclean import clean_text
from base.texts import compile_text, render
from bot.texts import bot_text
from flows import callback
from flows.base import Flow, TurnContext
from flows.forms import restore_cancelled
from flows.handoff import ATTACHED as HANDOFF_ATTACHED
from flows.handoff import UNANSWERED as HANDOFF_UNANSWERED
from flows.handoff import HandoffFlow, attached_case
from flows.manage import ManageFlow, named_case, wanted
from flows.policy import PolicyAnswerFlow, asks_supporter
from flows.report_other import ReportOtherFlow
from flows.story import StoryFlow, next_person
from flows.texts import texts
from flows.urgent import (
    KEPT,
    UrgentFlow,
    copy_question,
    despairing,
    follow_up,
    following,
    kept_reply,
    noted_better,
    restore_kept,
    says_better,
    says_false_alarm,
    says_not_better,
)
from flows.urgent import TOLD as URGENT_TOLD
from nlu.danger import Danger, despair_again, find_danger, said_now, says_mistake
from nlu.finders.text import dialect_read
from nlu.hardship import names_feedback
from nlu.types import INTENTS, Entity, ParseResult

if TYPE_CHECKING:
    from base.stores import SessionStore
    from services.container import Services

log = logging.getLogger(__name__)

FALLBACK_THRESHOLD = 0.45  # below this confidence the engine says it did not understand
LAMENT_SCREENING = 0.55  # a hardship read as screening below this gets the fuller offer
# When the two likeliest services are this close (or none is sure enough), the engine
# asks which one is meant, with the likely ones as buttons, instead of guessing.
CLOSE_MARGIN = 0.15
CLARIFY_FLOOR = 0.1  # a service less likely than this is not offered in the question
CLARIFY_MAX = 3
# These go ahead when they are the likeliest at all: an emergency or a person asked for.
NEVER_CLARIFIED = ("urgent_help", "human_handoff")
URGENT_INTERRUPT = 0.85  # an emergency interrupts any form at this confidence
DIGRESSION = 0.9  # a policy question answered in the middle of a form at this confidence
# … or at this one when it names a program and ends as a question ("特困跟低保能一起领吗")
PROGRAM_QUESTION = 0.6
_QUESTION_END = re.compile(r"(吗|嘛|么|呢|不|没|没有|[?？])[\s。.!！~]*$")
# The message after a danger reply that asks this surely for another service goes there
# (the urgent case stays with staff) instead of being taken as an urgent answer.
AFTER_DANGER_SWITCH = 0.7
# Session slot: the message a doubtful danger was asked about ("是现在受的伤吗？"), and
# the payloads of that question's two buttons.
DANGER_CHECK = "_danger_check"
DANGER_NOW, DANGER_PAST = "/danger_now", "/danger_past"
# Form slot of 口述办: the urgent case its account opened (more goes there, probeI H10).
INTAKE_URGENT = "_urgent_case"
# Session slots: the case a staff message shown in a form came from, and the message asked
# about ("这是回复工作人员的吗？"); the answers' payloads.
STAFF_ASKED, STAFF_PENDING = "_staff_asked", "_staff_pending"
PERSON_WORD_CHARS = (
    3  # "转人工", "找人工" in a sentence ask for a person; "人工", "真人" alone do not
)
STAFF_REPLY_YES, STAFF_REPLY_NO = "/staff_reply_yes", "/staff_reply_no"
CASE_NO = re.compile(r"JZ\d{8}-\d{4,}")
# In 转人工, a message this many characters longer than a word that ends it still does
# ("算了 回到小助手"); a longer one goes to staff.
END_HANDOFF_EXTRA = 8
CLARIFIED = "_clarified"  # session slot: the message the last "which one?" asked about
_PAYLOAD = re.compile(r"/(\w+)(\{.*\})?", re.DOTALL)
_LEGACY_INBOX, _LEGACY_SEEN = "_inbox", "_seen_notifications"  # session slots before 0005
_SMALL_TALK = {
    "thanks": "core.thanks",
    "goodbye": "core.goodbye",
    "affirm": "core.affirm_idle",
    "deny": "core.deny_idle",
}


class Engine:
    def __init__(
        self, services: Services, store: SessionStore, flows: list[Flow] | None = None
    ) -> None:
        from flows.registry import build_flows

        self.services = services
        self.store = store
        self.texts = texts()
        self.flows: dict[str, Flow] = {
            flow.name: flow for flow in (flows if flows is not None else build_flows(services))
        }
        self.by_intent: dict[str, Flow] = {
            intent: flow for flow in self.flows.values() for intent in flow.intents
        }
        commands = dict(load_yaml(Path(__file__).with_name("global_commands.yml")))
        self._continue_starts = tuple(str(w) for w in commands.pop("continue_starts"))
        self.commands: dict[str, str] = {
            word: name for name, words in commands.items() for word in words
        }
        # Hot-path tables, fixed once the flows are built.
        self._prefixed: list[tuple[tuple[str, ...], Flow]] = [
            (tuple(flow.prefixes), flow) for flow in self.flows.values() if flow.prefixes
        ]
        limits = load_yaml(Path(__file__).with_name("limits.yml"))
        self._long_chars = int(limits["long_text_chars"])
        self._long_turns = int(limits["long_text_turns"])
        self._follow_hours = float(limits["urgent_follow_up_hours"])
        self._long_lane: anyio.CapacityLimiter | None = None  # made in the event loop
        self._menu_buttons: tuple[Button, ...] | None = None
        self._masked: dict[str, str] = {}  # reply text → as kept in the history

    # -- the public entry point ------------------------------------------------------
    async def handle(self, message: UserMessage) -> list[BotReply]:
        text, shortened = clean_text(message.text)
        if not text:
            return [BotReply(self.texts("core.empty"), self.menu_buttons())]
        if len(text) <= self._long_chars:
            return await self._handle(message, text, shortened)
        # A long message is CPU work (NLU and danger words over every character): its
        # whole turn waits in one lane with the other long ones (before it takes its
        # session or touches the database), its analysis runs in a worker thread, and
        # short questions are answered meanwhile: one resident's essays, or a flood of
        # them, do not hold up everyone else.
        if self._long_lane is None:  # made here: it belongs to the running event loop
            self._long_lane = anyio.CapacityLimiter(self._long_turns)
        async with self._long_lane:
            return await self._handle(message, text, shortened)

    async def _handle(self, message: UserMessage, text: str, shortened: bool) -> list[BotReply]:
        try:
            async with self.store.transaction(message.channel, message.sender_id) as session:
                talking_in = session.slots.get(HANDOFF_ATTACHED)  # the turn may end it
                replies, sensitive = await self._turn(session, message, text)
                if shortened:
                    replies.insert(0, BotReply(self.texts("core.too_long")))
                notes = await self._waiting(session, message, talking_in)
                self._note_staff_asked(session, notes)
                waiting = [BotReply(note) for note in notes]
                self._remember(
                    session, bot_text("engine.hidden_message") if sensitive else text, replies
                )
                return waiting + replies
        except Exception:
            log.exception("turn failed (%s:%s)", message.channel, mask_text(message.sender_id))
            return [BotReply(self.texts("core.error"))]

    async def _waiting(
        self, session: Session, message: UserMessage, talking_in: str | None = None
    ) -> list[str]:
        """Messages waiting for this chat account (status changes, staff replies) in the
        database, taken (marked delivered) inside this sender's turn, so shown once."""
        legacy: list[str] = session.slots.pop(_LEGACY_INBOX, [])  # kept in sessions before
        session.slots.pop(_LEGACY_SEEN, None)
        backend = self.services.backend
        # the 转人工 case the chat talks (or talked, until this turn) in: its replies
        # reach even an unauthenticated sender
        conversation = {c for c in (talking_in, session.slots.get(HANDOFF_ATTACHED)) if c}
        if backend.inbox_empty_now(message.channel, message.sender_id):
            return legacy  # mostly: no hop to a worker thread for nothing
        taken = await self.services.run(
            backend.take_inbox, message.channel, message.sender_id, conversation
        )
        return [*legacy, *taken]

    # -- one turn ------------------------------------------------------------------
    async def _turn(
        self, session: Session, message: UserMessage, text: str
    ) -> tuple[list[BotReply], bool]:
        """The replies, and whether the message held a secret (kept out of the history)."""
        payload = self._payload(session, text)
        # a form's answer: a doubtful phrase in it is asked about, not alarmed
        answering = session.flow not in (None, UrgentFlow.name) and not session.paused
        if payload is None and len(text) > self._long_chars:
            # in the long lane (``handle``): the analysis off the event loop
            parse, danger = await anyio.to_thread.run_sync(self._analyse, text, answering)
        else:
            parse = self._parse(text, payload)
            danger = find_danger(text, answering=answering) if payload is None else None
        if danger is None and payload is None and self._despair_again(session, text):
            danger = despair_again()  # "那我等不到了" after words of despair
        urgent = self.flows.get(UrgentFlow.name)
        case_no = following(session, self._follow_hours)
        if (
            danger is not None
            and not danger.despair
            and (case_no or session.flow == UrgentFlow.name)
            and says_mistake(text)
        ):
            # "搞错了 是熏腊肉 冇着火", "刚才着火那个是误报": the alarm withdrawn, never
            # another life alert for the danger word it repeats (probeI W23)
            danger = None
        probe = TurnContext(session, message, text, parse, self.services, payload)
        if (
            isinstance(urgent, UrgentFlow)
            and case_no
            and says_false_alarm(probe)
            and (danger is None or not danger.despair)
            # a mistake said in the urgent questions goes back where the resident was
            and not (session.flow == urgent.name and says_mistake(text))
        ):
            # "没事了 是误会", "那个求助可以撤销了吧": closed as a false alarm (probeG F12)
            replies = await urgent.false_alarm(probe, case_no)
            back = self.flows.get(session.flow) if session.flow else None
            if back is not None and back is not urgent:
                session.paused = False
                return [*replies, *await back.resume(probe)], False
            if restore_kept(session, paused=False) is not None and session.flow:
                kept = self.flows.get(session.flow)
                if kept is not None:
                    return [*replies, *await kept.resume(probe)], False
            # "搞错了 不是急事 我要申请低保": there (its last clause says where)
            tail = re.split(r"[\s，,。.!！?？；;]+", text.strip().rstrip("。.!！"))[-1]
            asked = self._parse(tail, None) if 4 <= len(tail) < len(text) else parse
            target = self._flow_for(asked)
            if (
                target is not None
                and target is not urgent
                and asked.intent != "human_handoff"  # "别让工作人员白跑" is no wish for one
                and not says_false_alarm(replace(probe, text=tail, parse=asked))
                and asked.intent != "inform"
                and asked.confidence >= AFTER_DANGER_SWITCH
            ):
                there = replace(probe, text=tail, parse=asked)
                return [*replies, *await target.start(there)], False
            return [*replies, BotReply(self.texts("core.affirm_idle"), self.menu_buttons())], False
        if (
            isinstance(urgent, UrgentFlow)
            and case_no
            and says_better(probe)
            and not says_mistake(text)
            and (danger is None or not danger.despair)
        ):
            replies = await urgent.all_clear(probe, case_no)
            back = self.flows.get(session.flow) if session.flow else None
            if back is not None and back is not urgent:
                replies += await back.resume(probe)
            return replies, False
        if (
            isinstance(urgent, UrgentFlow)
            and case_no
            and says_not_better(probe)
            and noted_better(session, case_no)
        ):
            return await urgent.not_better(probe, case_no), False
        clarified = session.slots.pop(CLARIFIED, None)
        ctx = TurnContext(session, message, text, parse, self.services, payload)
        if session.flow is None or session.paused:
            next_person(ctx)  # "好 下一个 …": the last household's answers are forgotten
        urgent = self.flows.get(UrgentFlow.name)
        if clarified and parse.intent == "urgent_help" and payload and urgent is not None:
            # 紧急求助 chosen from the question: the message asked about is what happened
            told = self._parse(str(clarified), None)
            asked = TurnContext(session, message, str(clarified), told, self.services, None)
            return await urgent.start(asked), False
        replies = await self._route(ctx, danger)
        return replies, ctx.sensitive

    def _despair_again(self, session: Session, text: str) -> bool:
        """Words that mean danger after this chat's words of despair ("等不到了")."""
        if despairing(session, self._follow_hours) is None:
            return False
        said = text.replace(" ", "")
        return any(word in said for word in self.texts.raw("urgent.despair_again_words"))

    def _analyse(self, text: str, answering: bool) -> tuple[ParseResult, Danger | None]:
        return self.services.interpreter.parse(text), find_danger(text, answering=answering)

    async def _route(self, ctx: TurnContext, danger: Danger | None = None) -> list[BotReply]:
        text, payload = ctx.text, ctx.payload
        urgent_flow = self.flows.get("urgent")
        aside: list[BotReply] = []
        if danger is not None and payload is None and self._danger_aside(ctx):
            # 口述办: staff tell someone's situation; the intake is kept, the lines said —
            # and danger happening now opens the urgent case at once (probeI H10).
            told = self._intake_urgent(ctx)  # the urgent case this intake opened
            if danger.sure and (said_now(text) or told) and isinstance(urgent_flow, UrgentFlow):
                aside = await urgent_flow.staff_alarm(ctx, danger, told)
                if self._intake_urgent(ctx, mark=True):
                    # "他现在还起不来 先给他报急难": told to the case, never a form answer
                    current = self.flows[str(ctx.session.flow)]
                    return [*aside, *await current.resume(ctx)]
            else:
                lines = "、".join(danger.lines) or "110"
                aside = [BotReply(self.texts("staff.danger_aside", lines=lines))]
            danger = None
        checked = ctx.session.slots.pop(DANGER_CHECK, None)
        if checked and danger is None and not aside and isinstance(urgent_flow, UrgentFlow):
            answer = self._check_answer(ctx)
            if answer is True:  # happening now: the alarm, for the message asked about
                asked = replace(ctx, text=checked["text"], payload=None)
                found = Danger(tuple(checked["kinds"]), tuple(checked["lines"]))
                return await urgent_flow.on_danger(asked, found)
            if answer is False:  # the past: the message goes where it was said
                # ("不是 已经在医院了 就是想问救助" after a long account: the account is
                # said back and what fits is offered, nothing of it is lost)
                told = str(checked["text"])
                again = replace(ctx, text=told, parse=self._parse(told, None), payload=None)
                return [BotReply(self.texts("urgent.check_past"))] + await self._route(again, None)
        # Danger to life first, at every step of every flow: the lines, then the case.
        if payload is None and danger is not None and isinstance(urgent_flow, UrgentFlow):
            handoff = self.flows.get("handoff")
            if isinstance(handoff, HandoffFlow) and attached_case(ctx) is not None:
                # 转人工: the lines, and the message to the case the staff member is in
                kept = await handoff.on_danger(ctx, danger)
                if kept is not None:
                    return kept
            if not danger.sure and ctx.session.flow != urgent_flow.name:
                return [self._ask_danger_now(ctx, danger)]
            handoff = self.flows.get("handoff")
            if isinstance(handoff, HandoffFlow):
                handoff.release(ctx)  # the urgent questions come first; 转人工 again after
            replies: list[BotReply] = await urgent_flow.on_danger(ctx, danger)
            return replies
        # Commands with an argument ("/bind <token>", "口述办") go to their flow at any step.
        for prefixes, flow in self._prefixed:
            if text.startswith(prefixes):
                opened = ctx.session.slots.get(URGENT_TOLD, {}).get("case_no") if aside else None
                started = aside + await flow.start(ctx)
                if opened and ctx.session.flow == flow.name and flow.danger_aside:
                    ctx.session.form[INTAKE_URGENT] = opened  # opened by this account
                return started
        if (
            payload is None
            and isinstance(urgent_flow, UrgentFlow)
            and self._intake_urgent(ctx)
            and any(w in text for w in self.texts.raw("urgent.staff_urgent_words"))
        ):
            # "先给他报急难 要镇里今天来人" with the urgent case open: added to it, the
            # intake's question asked again — never read as an answer (居住地 城镇)
            noted = await urgent_flow.staff_more(ctx, str(self._intake_urgent(ctx)))
            return [noted, *await self.flows[str(ctx.session.flow)].resume(ctx)]
        if aside:
            return aside + await self._route_on(ctx)

        to_staff = await self._staff_reply(ctx)
        if to_staff is not None:
            return to_staff
        command = self.commands.get(payload or _bare(text))
        notice: list[BotReply] = []
        handoff = self.flows.get("handoff")
        if isinstance(handoff, HandoffFlow) and attached_case(ctx) is not None:
            # 转人工 is a conversation: what the resident writes goes to the person.
            if command == "end_handoff" or (payload is None and self._ends_handoff(text)):
                return await self._end_handoff(ctx, handoff)
            if command is None and payload is None:
                handled, said = await handoff.converse(ctx)
                if handled:
                    return said
                notice = said  # the case ended meanwhile: back to the assistant
            elif command != "handoff":
                handoff.release(ctx)  # a button or command of the assistant: back to it
        if command == "end_handoff":
            return [BotReply(self.texts("handoff.not_attached"), self.menu_buttons())]
        if command is not None:
            return notice + await self._command(ctx, command)
        return notice + await self._route_on(ctx)

    async def _end_handoff(self, ctx: TurnContext, handoff: HandoffFlow) -> list[BotReply]:
        """回到小助手; the policy question written to staff and not answered yet is
        answered here ("佢系咪可以拎特困？一个月几多钱？", probeG F17)."""
        replies = await handoff.end(ctx)
        asked = ctx.session.slots.pop(HANDOFF_UNANSWERED, None)
        policy = self.flows.get("policy")
        if not asked or not isinstance(policy, PolicyAnswerFlow):
            return replies
        told = str(asked)
        again = replace(ctx, text=told, parse=self._parse(told, None), payload=None)
        lead = BotReply(self.texts("handoff.unanswered_lead", text=mask_text(told)))
        return [*replies, lead, *await policy.start(again)]

    def _note_staff_asked(self, session: Session, notes: list[str]) -> None:
        """A staff message shown while a form is open (not in 转人工): the next message
        may answer staff rather than the form's question (``_staff_reply``)."""
        session.slots.pop(STAFF_ASKED, None)
        if not session.flow or session.paused or session.flow == UrgentFlow.name:
            return
        if session.slots.get(HANDOFF_ATTACHED):
            return
        starts = tuple(self.texts.raw("handoff.staff_reply_starts"))
        for note in notes:
            found = CASE_NO.search(note)
            if found is not None and any(start in note for start in starts):
                session.slots[STAFF_ASKED] = found.group(0)

    async def _staff_reply(self, ctx: TurnContext) -> list[BotReply] | None:
        """In a form, the message after a staff message: asked once whether it answers
        staff ("好的 发票明天就拿到街道去 是找哪个窗口" at the 身份证号 question); 1 adds it to
        the case staff wrote on (their conversation shows it), 2 gives it to the form."""
        session = ctx.session
        pending = session.slots.pop(STAFF_PENDING, None)
        if isinstance(pending, dict) and ctx.payload in (STAFF_REPLY_YES, STAFF_REPLY_NO):
            flow = self.flows.get(session.flow) if session.flow else None
            told = str(pending.get("text", ""))
            if ctx.payload == STAFF_REPLY_NO:
                again = replace(ctx, text=told, parse=self._parse(told, None), payload=None)
                return await self._route(again, None)
            case_no = str(pending.get("case_no", ""))
            try:
                await self.services.run(self.services.handoffs.resident_reply, case_no, told)
            except Exception:
                log.exception("reply to staff could not be stored")
                return [BotReply(self.texts("handoff.staff_reply_failed"))]
            sent = BotReply(self.texts("handoff.staff_reply_sent", case_no=case_no))
            return [sent, *(await flow.resume(ctx) if flow is not None else [])]
        case_no = session.slots.pop(STAFF_ASKED, None)
        if not case_no or ctx.payload is not None or not session.flow or session.paused:
            return None
        if len(_bare(ctx.text)) < int(self.texts.raw("handoff.staff_reply_min_chars")):
            return None  # "好", a number: the form's answer
        other = self._flow_for(ctx.parse)
        if other is not None and other.name != session.flow and not other.digression:
            return None  # "查进度 JZ…": a request of the assistant, not a reply
        session.slots[STAFF_PENDING] = {"case_no": case_no, "text": ctx.text}
        buttons = (
            Button(self.texts("handoff.staff_reply_yes"), STAFF_REPLY_YES),
            Button(self.texts("handoff.staff_reply_no"), STAFF_REPLY_NO),
        )
        return [BotReply(self.texts("handoff.staff_reply_ask", case_no=case_no), buttons)]

    def _asks_person(self, ctx: TurnContext) -> bool:
        """A sentence asking for a person ("…转人工问一下", "…找人工"): a 转人工 word of at
        least three characters, not said away ("不用转人工")."""
        if ctx.payload is not None:
            return False
        bare = _bare(ctx.text)
        negations = tuple(self.texts.raw("handoff.person_negations"))
        asks = any(
            len(word) >= PERSON_WORD_CHARS
            and word in bare
            and not any(
                n in bare[max(0, bare.index(word) - 2) : bare.index(word)] for n in negations
            )
            for word, name in self.commands.items()
            if name == "handoff" and not word.startswith("/")
        )
        return asks and not any(
            word in bare
            for word, name in self.commands.items()
            if name == "end_handoff" and not word.startswith("/")
        )

    def _ends_handoff(self, text: str) -> bool:
        """ "算了 回到小助手", "好的 不用人工了 谢谢": a short message with a word that ends
        转人工 (a long one is a message for staff that mentions it)."""
        bare = _bare(text)
        return any(
            word in bare and len(bare) - len(word) <= END_HANDOFF_EXTRA
            for word, name in self.commands.items()
            if name == "end_handoff" and not word.startswith("/")
        )

    def _intake_urgent(self, ctx: TurnContext, *, mark: bool = False) -> str | None:
        """The urgent case the 口述办 under way opened (``mark``: the chat's urgent case
        just told becomes it), or None — an earlier intake's case is never added to."""
        current = self.flows.get(ctx.session.flow) if ctx.session.flow else None
        if current is None or ctx.session.paused or not current.danger_aside:
            return None
        if mark:
            case_no = ctx.session.slots.get(URGENT_TOLD, {}).get("case_no")
            if case_no:
                ctx.session.form[INTAKE_URGENT] = case_no
        found = ctx.session.form.get(INTAKE_URGENT)
        return str(found) if found else None

    def _danger_aside(self, ctx: TurnContext) -> bool:
        """The message goes to a flow whose danger words are an aside (``danger_aside``):
        the one under way, or the one its command word starts ("口述办 …")."""
        current = self.flows.get(ctx.session.flow) if ctx.session.flow else None
        if current is not None and not ctx.session.paused:
            return current.danger_aside
        return any(
            flow.danger_aside for prefixes, flow in self._prefixed if ctx.text.startswith(prefixes)
        )

    def _ask_danger_now(self, ctx: TurnContext, danger: Danger) -> BotReply:
        """One question instead of the alarm: is the injury (the illness) happening now?"""
        ctx.session.slots[DANGER_CHECK] = {
            "text": ctx.text,
            "kinds": list(danger.kinds),
            "lines": list(danger.lines),
        }
        buttons = (
            Button(self.texts("urgent.check_yes"), DANGER_NOW),
            Button(self.texts("urgent.check_no"), DANGER_PAST),
        )
        return BotReply(self.texts("urgent.check_now"), buttons)

    def _check_answer(self, ctx: TurnContext) -> bool | None:
        """The answer to the question above: True (now), False (not now), None (neither)."""
        if ctx.payload in (DANGER_NOW, DANGER_PAST):
            return ctx.payload == DANGER_NOW
        if ctx.payload is None and ctx.parse.intent in ("affirm", "deny"):
            return ctx.parse.intent == "affirm"
        if ctx.payload is None and says_mistake(ctx.text):
            return False
        if ctx.payload is None and _bare(ctx.text).startswith(
            tuple(self.texts.raw("urgent.check_no_starts"))
        ):
            return False  # "不是 已经在医院了 就是想问救助", "没那么急"
        return None

    async def _retract(self, ctx: TurnContext, urgent: UrgentFlow) -> list[BotReply]:
        """ "搞错了 我要申请低保" in the urgent questions: staff told, then where the
        resident wants to go — the kept form (asked again where it was), another service,
        or the question what they want."""
        replies, restored = await urgent.retract(ctx)
        target = self._flow_for(ctx.parse)
        if target is not None and (
            target is urgent
            or ctx.parse.intent == "inform"
            or ctx.parse.confidence < AFTER_DANGER_SWITCH
        ):
            target = None
        back = self.flows.get(restored) if restored else None
        if back is not None and (target is None or target is back):
            return [*replies, *await back.resume(ctx)]
        if target is not None:
            return [*replies, *await target.start(ctx)]
        return [*replies, BotReply(self.texts("core.affirm_idle"), self.menu_buttons())]

    async def _route_on(self, ctx: TurnContext) -> list[BotReply]:
        """The active flow, or the flow of the intent (commands were handled already)."""
        session, payload, parse = ctx.session, ctx.payload, ctx.parse

        flow = self.flows.get(session.flow) if session.flow else None
        if isinstance(flow, UrgentFlow) and payload is None and says_mistake(ctx.text):
            return await self._retract(ctx, flow)
        after_danger = flow is not None and bool(session.form.pop("after_danger", False))
        if after_danger and payload is None:
            # The message after a danger reply: another request goes to its service.
            other = self._flow_for(parse)
            if (
                other is not None
                and other is not flow
                and parse.intent != "inform"
                and parse.confidence >= AFTER_DANGER_SWITCH
            ):
                case_no = session.form.get("values", {}).get("case_no", "")
                kept = BotReply(self.texts("urgent.kept_for_staff", case_no=case_no))
                if session.slots.get(KEPT, {}).get("flow") == other.name:
                    # "继续填低保": the form the emergency interrupted, where it was
                    session.end_flow()
                    restore_kept(session, paused=False)
                    return [kept, *await other.resume(ctx)]
                return [kept, *await other.start(ctx)]
        if flow is not None and session.paused:
            starting = self._flow_for(parse)
            if starting is flow or self._continues(ctx.text):
                # "继续填低保" with the application kept: where it was
                session.paused = False
                return await flow.resume(ctx)
            noted = await self._urgent_follow_up(ctx)
            if noted is not None:  # more about the emergency; the form still waits
                return noted
            session.paused = False
            if starting is not None:
                return await starting.start(ctx)
            return await flow.handle(ctx)
        manage = self.flows.get("manage")
        if (
            flow is not None
            and manage is not None
            # 口述办 is about the resident in front of staff: another resident's case
            # number there never ends the form (probeG F2)
            and flow.name not in (manage.name, "status", UrgentFlow.name, "staff_intake")
            and payload is None
            and named_case(ctx.text) is not None
            and wanted(ctx.text) is not None
        ):
            # "不是变化 是刚才填错了 JZ20261202-0001 …" in another form: about that case
            session.end_flow()
            return await manage.start(ctx)
        if (
            flow is not None
            and isinstance(manage, ManageFlow)
            and flow.name == "apply"
            and payload is None
            and manage.withdraw_in_form(ctx)
            and await manage.any_withdrawable(ctx)
        ):
            # "不是申请 是撤回" in the application it started by mistake: the withdrawal
            session.end_flow()
            return await manage.start(ctx)
        if flow is not None and payload is not None:
            # A button naming another service (an old menu, a "switch?" offer) leaves
            # this flow for that one; the form's own buttons are not intents.
            target = self._flow_for(parse)
            if target is not None and target is not flow and not target.digression:
                return await target.start(ctx)
        handoff = self.flows.get("handoff")
        if (
            flow is not None
            and handoff is not None
            and flow.name not in (UrgentFlow.name, "staff_intake")
            and self._asks_person(ctx)
        ):
            # "身份证号要填我的还是我爸的 … 转人工问一下" in a form: the person (the form
            # is kept for after, and the question goes to them with the recent turns)
            return await handoff.start(ctx)
        if flow is not None:
            aside = self._flow_for(parse)
            if (
                aside is not None
                and aside.digression
                and (parse.confidence >= DIGRESSION or _program_question(ctx))
                and not flow.answers_itself(ctx)
            ):
                # Answer the question, then carry on where the form was.
                return await aside.start(ctx) + await flow.resume(ctx)
            urgent = self.by_intent.get("urgent_help")
            if (
                urgent is not None
                and urgent is not flow
                and flow.urgent_interrupt
                and parse.intent == "urgent_help"
                and parse.confidence >= URGENT_INTERRUPT
                # "一分钱都没得了 还倒欠" at the deposits is 0, unless a need of today is said
                and (self._urgent_need(ctx) or not flow.answered_here(ctx))
            ):
                return await urgent.start(ctx)
            left = callback.callback_in(ctx)
            if (
                left is not None
                and not isinstance(flow, UrgentFlow)
                and not callback.asks_phone(flow, ctx)
            ):
                # "有事打我女儿电话 139…" at a screening question: kept (on the case being
                # handled, if any), said back, and the question asked again
                case_no = await callback.record(ctx, left)
                return [callback.said(ctx, left, case_no), *await flow.resume(ctx)]
            return await flow.handle(ctx)
        return await self._idle(ctx)

    def _urgent_need(self, ctx: TurnContext) -> bool:
        """A need of today that is an emergency without danger to life (no food left)."""
        said = (ctx.parse.normalized or ctx.text).replace(" ", "")
        words: list[str] = self.texts.raw("urgent.need_now_words")
        read = dialect_read(said)
        if any(word in said or word in read for word in words):
            return True
        return any(word in said for word in self.texts.raw("urgent.homeless_words")) and not any(
            word in said for word in self.texts.raw("urgent.homeless_past_words")
        )

    def _continues(self, text: str) -> bool:
        """A message that asks to take up the paused form ("继续填低保", "先把低保那个填完吧")."""
        plain = text.strip()
        return (
            plain.startswith(self._continue_starts)
            and ("不" not in plain)
            and (not plain.startswith("先把") or "填完" in plain or "弄完" in plain)
        )

    async def _urgent_follow_up(self, ctx: TurnContext) -> list[BotReply] | None:
        """A message soon after an urgent case, asking surely for no other service
        ("救护车来了 我跟去医院", "我妈叫谭满秀 能不能叫村干部先去河边找"): added to the
        case. None otherwise (the message goes on as usual)."""
        case_no = following(ctx.session, self._follow_hours)
        if case_no is None or ctx.payload is not None or wanted(ctx.text) is not None:
            return None
        policy = self.flows.get("policy")
        target = self._flow_for(ctx.parse)
        if (
            target is not None
            and target.name not in (UrgentFlow.name, "policy")
            and ctx.parse.intent != "inform"
            and ctx.parse.confidence >= AFTER_DANGER_SWITCH
            and (
                ctx.parse.intent != "self_screening"
                or any(word in ctx.text for word in self.texts.raw("urgent.screen_words"))
            )
        ):
            return None  # "测一测我家能不能吃低保": another service asked for, it goes there
        question = policy.asked(ctx) if isinstance(policy, PolicyAnswerFlow) else None
        if isinstance(policy, PolicyAnswerFlow) and question is not None:
            # "这种情况能办孤儿的补助不 要么子材料": answered, and copied to the case
            copied = await copy_question(ctx, case_no)
            if copied is not None:
                replies = [*await policy.reply(ctx, question), copied]
                if ctx.session.flow and ctx.session.paused:
                    replies.append(kept_reply(ctx))
                return replies
        if _asks_program(ctx):
            return None  # "那他屋子漏雨能不能申请危房改造": answered, not filed into the case
        if (
            target is not None
            and target.name != UrgentFlow.name
            and ctx.parse.intent != "inform"
            and ctx.parse.confidence >= AFTER_DANGER_SWITCH
        ):
            return None  # another request: it goes there
        return await follow_up(ctx, case_no)

    async def _idle(self, ctx: TurnContext) -> list[BotReply]:
        manage = self.flows.get("manage")
        if (
            isinstance(manage, ManageFlow)
            and ctx.payload is None
            and wanted(ctx.text) == "restore"
            and await manage.any_withdrawn(ctx)
        ):
            # "能不能把那个申请恢复" after a withdrawal: never the cancelled form instead
            return await manage.start(ctx)
        restored = restore_cancelled(ctx, self.flows, asked=False)
        if restored is not None:  # "啊 怎么取消了 我是说确认" just after a cancel
            return restored
        parse = ctx.parse
        urgent = self.flows.get(UrgentFlow.name)
        if urgent is not None and ctx.payload is None and self._urgent_need(ctx):
            # "今天一粒米都冇得了 伢儿饿到现在": an emergency (临时救助), never a question
            return await urgent.start(ctx)
        manage = self.flows.get("manage")
        if manage is not None and ctx.payload is None and wanted(ctx.text) is not None:
            # 撤回 / 更正 / 复核 of one's own application: never a new application
            return await manage.start(ctx)
        handoff = self.flows.get("handoff")
        supporter = (
            [BotReply(ctx.texts("policy.supporter_answer").strip())] if asks_supporter(ctx) else []
        )  # "…这样算有赡养人吗": answered first, whatever else is done (probeI W11)
        if handoff is not None and self._asks_person(ctx):
            # "你好 我想问下我家低保怎么停了 转人工": the person, the question kept for them
            return [*supporter, *await handoff.start(ctx)]
        if supporter:
            return supporter
        left = callback.callback_in(ctx)
        story = self.flows.get("story")
        if left is not None and not (
            isinstance(story, StoryFlow) and story.fits(ctx, set(self.by_intent))
        ):
            # "你们打我儿子电话吧 他懂这些 136…": a number to call, not a question
            return await self._callback(ctx, left)
        screening = self.flows.get("screening")
        if screening is not None and screening.claims(ctx):
            # "不对啊，我们家哪有三万的月收入" just after the result: the screening, reopened
            return await screening.start(ctx)
        noted = await self._urgent_follow_up(ctx)
        if noted is not None:
            return noted
        report = self.flows.get("report_other")
        if isinstance(report, ReportOtherFlow) and report.fits(ctx):
            # "想反映一下 我们村汤嫂子的孙子 …": about someone else, never self-screening
            return await report.start(ctx)
        for claiming in self.flows.values():
            if claiming.claims(ctx):  # a follow-up of that flow's last answer ("那农村的呢")
                return await claiming.start(ctx)
        story = self.flows.get("story")
        if isinstance(story, StoryFlow) and story.fits(ctx, set(self.by_intent)):
            # an account of a situation: said back, then what fits
            return await story.start(ctx)
        if _lament(parse):
            # "日子太难了" read as a complaint: a hardship and no word of 建议/投诉/举报
            return [self._hardship_offer(parse)]
        flow = self._flow_for(parse)
        likely = self._likely_services(parse)
        if flow is not None and not _close_call(parse, likely):
            return await flow.start(ctx)
        if parse.confidence >= FALLBACK_THRESHOLD and flow is None:
            if parse.intent == "greet":
                return [BotReply(self.texts("core.greet"), self.menu_buttons())]
            if parse.intent == "help":
                return [self.menu(ctx.session)]
            if parse.intent in _SMALL_TALK:
                return [BotReply(self.texts(_SMALL_TALK[parse.intent]))]
        top = parse.ranking[0][0] if parse.ranking else parse.intent
        unsure = flow is not None or top != "out_of_scope" or parse.hardship
        # a hardship with a single likely service, or with none sure enough to be the
        # intent ("唉，这日子没法过了"), gets the fuller hardship offer below
        offer = parse.hardship and (len(likely) < 2 or parse.intent == "out_of_scope")
        if likely and unsure and not offer:
            # unsure: ask which of the likely services is meant; the message is kept, so
            # the emergency chosen by its button has it as what happened
            ctx.session.slots[CLARIFIED] = ctx.text
            return [self._clarify(parse, likely)]
        if parse.hardship:
            return [self._hardship_offer(parse)]
        return [BotReply(self.texts("core.fallback"), self.menu_buttons())]

    async def _callback(self, ctx: TurnContext, left: callback.Callback) -> list[BotReply]:
        """ "你们打我儿子电话吧 他懂这些 136…": on the case being handled; with none, a
        request for a person — a hand-off opened with that number."""
        case_no = await callback.record(ctx, left)
        if case_no is not None:
            return [callback.said(ctx, left, case_no)]
        handoff = self.flows.get("handoff")
        if not isinstance(handoff, HandoffFlow):
            return [callback.said(ctx, left, None), self.menu(ctx.session)]
        replies = await handoff.start(ctx)
        case_no = await callback.record(ctx, left, attached_case(ctx))
        return [callback.said(ctx, left, case_no), *replies]

    def _hardship_offer(self, parse: ParseResult) -> BotReply:
        services = self.texts.raw("core.hardship_services")
        return BotReply(self.texts("core.hardship_offer"), self._service_buttons(parse, services))

    def _likely_services(self, parse: ParseResult) -> list[str]:
        """The services (intents a flow serves) worth offering, likeliest first."""
        if not parse.ranking:
            return []
        return [
            intent
            for intent, confidence in parse.ranking
            if intent in self.by_intent and confidence >= CLARIFY_FLOOR
        ][:CLARIFY_MAX]

    def _clarify(self, parse: ParseResult, likely: list[str]) -> BotReply:
        buttons = (
            *self._service_buttons(parse, likely),
            Button(self.texts("core.clarify_none"), "/help"),
        )
        return BotReply(self.texts("core.clarify"), buttons)

    def _service_buttons(self, parse: ParseResult, intents: list[str]) -> tuple[Button, ...]:
        """A button per service; one that takes a program carries the program named."""
        program = parse.first("program")
        name = _program_name(program) if program else None
        titles: dict[str, str] = self.texts.raw("core.clarify_titles")
        with_program: dict[str, str] = self.texts.raw("core.clarify_titles_program")
        buttons: list[Button] = []
        for intent in intents:
            if intent not in self.by_intent:
                continue
            if name and intent in with_program:
                title = render(compile_text(with_program[intent]), program=name)
                entities = json.dumps({"program": program}, separators=(",", ":"))
                buttons.append(Button(title, f"/{intent}{entities}"))
            else:
                buttons.append(Button(titles.get(intent, intent), f"/{intent}"))
        return tuple(buttons)

    async def _command(self, ctx: TurnContext, command: str) -> list[BotReply]:
        session = ctx.session
        flow = self.flows.get(session.flow) if session.flow else None
        if command == "cancel":
            if flow is None:
                return [BotReply(self.texts("core.nothing_to_cancel"))]
            cancelled = BotReply(flow.cancel(ctx), self.menu_buttons())
            if isinstance(flow, UrgentFlow) and restore_kept(session, paused=True):
                return [cancelled, kept_reply(ctx)]  # the interrupted form is still there
            return [cancelled]
        if command == "restore":
            restored = restore_cancelled(ctx, self.flows, asked=True)
            return restored or [
                BotReply(self.texts("forms.nothing_to_restore"), self.menu_buttons())
            ]
        if command == "back":
            if flow is None:
                return [BotReply(self.texts("core.nothing_to_go_back"))]
            session.paused = False
            return await flow.back(ctx)
        if command == "menu":
            if flow is not None:
                session.paused = True
            return [self.menu(session)]
        if command == "continue":
            if flow is None and restore_kept(session, paused=False):
                flow = self.flows.get(session.flow or "")
            if flow is None:
                return [self.menu(session)]
            session.paused = False
            return await flow.resume(ctx)
        # handoff: leave whatever was going on and reach a person
        handoff = self.by_intent.get("human_handoff")
        if handoff is None:
            return [BotReply(self.texts("core.fallback"), self.menu_buttons())]
        return await handoff.start(ctx)

    # -- helpers -------------------------------------------------------------------
    def _flow_for(self, parse: ParseResult) -> Flow | None:
        if parse.confidence < FALLBACK_THRESHOLD:
            return None
        return self.by_intent.get(parse.intent)

    def _payload(self, session: Session, text: str) -> str | None:
        """A payload sent as text, or the payload of the button the user named."""
        if text.startswith("/"):
            return text.strip()
        shown: list[list[str]] = session.slots.get("_buttons", [])
        bare = _bare(text)
        # "1 5" is two choices (低保 and 医疗救助), never button 15 (probeI H7)
        one_number = bare.isdigit() and bare == text.strip().strip("。.!！?？~～ ,，")
        if one_number and 1 <= int(bare) <= len(shown):
            return shown[int(bare) - 1][1]
        for title, payload in shown:
            if bare == _bare(title):
                return payload
        return None

    def _parse(self, text: str, payload: str | None) -> ParseResult:
        if payload is not None:
            return self._parse_payload(text, payload)
        return self.services.interpreter.parse(text)

    def _parse_payload(self, text: str, payload: str) -> ParseResult:
        """Rasa-style payloads: ``/apply`` or ``/ask_amount{"program": "dibao"}``."""
        match = _PAYLOAD.fullmatch(payload)
        if match is None:
            return ParseResult(text=text, intent="inform", confidence=1.0, normalized=text)
        name, raw = match.group(1), match.group(2)
        # "/apply" names an intent; "/followup_consent" names a flow's own trigger.
        intent = name if name in INTENTS or name in self.by_intent else "inform"
        entities: list[Entity] = []
        if raw:
            try:
                given = json.loads(raw)
            except ValueError:
                given = {}
            if isinstance(given, dict):
                entities = [Entity(str(k), v, 0, 0, "payload") for k, v in given.items()]
        return ParseResult(
            text=text, intent=intent, confidence=1.0, entities=tuple(entities), normalized=text
        )

    def menu_buttons(self) -> tuple[Button, ...]:
        if self._menu_buttons is None:
            items: list[dict[str, Any]] = self.texts.raw("menu.items")
            self._menu_buttons = tuple(
                Button(item["title"], f"/{item['intent']}")
                for item in items
                if item["intent"] in self.by_intent
            )
        return self._menu_buttons

    def menu(self, session: Session) -> BotReply:
        buttons = self.menu_buttons()
        if session.flow and session.paused:
            resume = Button(self.texts("core.menu_continue"), "/continue")
            return BotReply(self.texts("core.menu_paused"), (resume, *buttons))
        if not session.history:  # a first /start is met with the greeting
            return BotReply(self.texts("core.greet"), buttons)
        return BotReply(self.texts("core.menu"), buttons)

    def _remember(self, session: Session, text: str, replies: list[BotReply]) -> None:
        buttons = [b for reply in replies for b in reply.buttons]
        session.slots["_buttons"] = [[b.title, b.payload] for b in buttons]
        turn = Turn(user=mask_text(text)[:500], bot=[self._mask_reply(r.text) for r in replies])
        session.remember(turn, self.services.settings.session_history_turns)

    def _mask_reply(self, text: str) -> str:
        """A reply as the history keeps it; replies repeat, so each is masked once."""
        masked = self._masked.get(text)
        if masked is None:
            masked = mask_text(text)[:500]
            if len(self._masked) >= 4096:
                self._masked.clear()
            self._masked[text] = masked
        return masked


def _program_question(ctx: TurnContext) -> bool:
    """A question about a named program asked in the middle of a form (not at the form's
    own program question): answered, then the form goes on."""
    parse = ctx.parse
    return (
        ctx.payload is None
        and ctx.session.step != "program"
        and parse.intent.startswith("ask_")
        and parse.confidence >= PROGRAM_QUESTION
        and bool(parse.all("program"))
        and _QUESTION_END.search(ctx.text.strip()) is not None
    )


_ASKS = ("能不能", "能否", "可不可以", "可以申请", "怎么申请", "咋申请", "能申请", "能办")


def _asks_program(ctx: TurnContext) -> bool:
    """A question naming a program ("能不能申请危房改造"), after an urgent case: it goes
    to the policy answer, however unsure the classifier is of its kind of question."""
    parse = ctx.parse
    return (
        ctx.payload is None
        and parse.intent.startswith("ask_")
        and bool(parse.all("program"))
        and (
            _QUESTION_END.search(ctx.text.strip()) is not None
            or any(word in ctx.text for word in _ASKS)
        )
    )


def _lament(parse: ParseResult) -> bool:
    """A hardship told as a sigh, no program named, that the classifier reads as feedback
    (no word of a suggestion, complaint or tip-off: nlu/data/lexicon/feedback.yml) or, not
    sure, as a wish to be screened: the hardship offer, whose first choice is screening."""
    if not parse.hardship or parse.all("program"):
        return False
    if parse.intent == "self_screening":  # "唉，日子难过啊": a sigh, not yet a wish to be screened
        return parse.confidence < LAMENT_SCREENING
    return parse.intent == "feedback" and not names_feedback(parse.normalized or parse.text)


def _close_call(parse: ParseResult, likely: list[str]) -> bool:
    """Whether the likeliest service is too close to the next one to go ahead."""
    if parse.intent in NEVER_CLARIFIED or len(likely) < 2 or len(parse.ranking) < 2:
        return False
    scores = dict(parse.ranking)
    return scores.get(likely[1], 0.0) >= parse.confidence - CLOSE_MARGIN


def _program_name(program: str) -> str | None:
    from policies.catalog import load_catalog

    found = load_catalog().programs.get(str(program))
    return found.short_name if found is not None else None


def _bare(text: str) -> str:
    """The message without spaces and end punctuation, for matching short commands."""
    return text.strip().strip("。.!！?？~～ ,，").replace(" ", "")
