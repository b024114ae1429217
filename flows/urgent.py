"""Emergencies (急难求助 / 先行救助): the case first, the hotlines at once, questions after.

The urgent case is opened before anything is asked, so staff are notified even if the
person stops answering; the reply names the emergency numbers and 先行救助 straight
away. Place, what happened and a phone number then enrich the case as a note. If the
backend cannot be reached the hotlines are still given.

A form the emergency interrupted is kept (``KEPT``, as 菜单 keeps it) and offered again
after the urgent questions; a resident who says the alarm was a mistake ("搞错了 我在填
低保") is said back, staff are told (the case noted as 误报, never deleted) and the form
is given back. Place and phone already told for this chat's urgent case are not asked
again when more is added to it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.schemas import CaseView
from base.messages import BotReply, Button
from base.privacy import mask_text
from base.session import Session
from flows import identity
from flows.base import TurnContext, call
from flows.forms import Form, Slot
from flows.hours import answered
from flows.texts import texts
from nlu.answers import Reading, read_free_text
from nlu.danger import DESPAIR, Danger, says_mistake
from nlu.places import match_place
from nlu.validators import mask_phone

log = logging.getLogger(__name__)

SUMMARY_LIMIT = 200
PHONE_WORDS_MIN = 4  # characters besides the number: the resident said whose phone it is
GENERIC: tuple[str, ...] = tuple(texts().raw("urgent.generic_openers"))


def free_text(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """The answer as typed, or SKIP for 跳过/不方便 (the question is then left out).

    Digits and signs alone ("011231": the last 6 of a 身份证号 meant for the form the
    danger interrupted, a phone number) are no place and no event: asked again, a phone
    number kept as the phone."""
    text = ctx.text.strip()
    if len(text.strip("。.!！ ")) <= 6 and identity.says_skip(text):
        return Reading(identity.SKIP)
    found = read_free_text(text, region=ctx.services.region)
    if not any(char.isalpha() for char in text):
        said = ctx.texts("urgent.not_words", phone="phone" in found.facts)
        return Reading(None, sure=False, facts=found.facts, problem=said)
    return Reading(text, facts=found.facts) if len(text) >= 2 else Reading(None, sure=False)


def tells_situation(ctx: TurnContext) -> bool:
    """An answer that names no place but a hardship ("一个人在屋里 低保也冒得 一分钱收入
    都冒得"): the household's situation, not where to find them."""
    if not ctx.parse.hardship:
        return False
    return match_place(ctx.text, ctx.services.region) is None


def names_place(ctx: TurnContext) -> bool:
    """Whether the answer at 「您现在在哪里」 can be a place: a township or village of the
    region, a place word ("学校后面", "三组"), 跳过, or digits (handled by the reader)."""
    return is_place(ctx.text, ctx.services.region)


SMALL_TALK = ("greet", "thanks", "goodbye")
SMALL_TALK_CHARS = 6  # "你好", "谢谢你们": longer messages are read for what they tell


def _small_talk(ctx: TurnContext) -> bool:
    """A greeting or thanks alone ("你好", "谢谢"): no place, no phone, nothing to note."""
    return ctx.parse.intent in SMALL_TALK and len(ctx.text.strip()) <= SMALL_TALK_CHARS


def is_place(text: str, region: str) -> bool:
    """``names_place`` on a text of ``region``."""
    text = text.strip()
    if identity.says_skip(text) or not any(char.isalpha() for char in text):
        return True
    if match_place(text, region) is not None:
        return True
    said = text.replace(" ", "")
    return any(word in said for word in texts().raw("urgent.place_words"))


def describes_event(opener: str) -> bool:
    """Whether the first message already says what happened ("家里着火了"), not just "救命"."""
    bare = opener.strip().strip("!！。.~ ")
    return len(bare) >= 4 and bare not in GENERIC


class UrgentFlow(Form):
    name = "urgent"
    urgent_interrupt = False  # answers here describe hardship; they are not new emergencies
    cancelled_text = "urgent.cancelled"
    intents = ("urgent_help",)
    confirm = False  # every second counts: the case already exists, answers only add to it
    slots = (
        Slot(
            "place",
            "urgent.ask_place",
            read=free_text,
            question_values=lambda values: {"other": bool(values.get("other"))},
        ),
        Slot("what", "urgent.ask_what", read=free_text),
        Slot(
            "phone",
            "urgent.ask_phone",
            read=identity.phone_or_skip,
            fact="phone",
            validate=identity.contact_problem,
            hints={"request_phone": True},
            unclear="urgent.phone_unclear",
        ),
    )

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        keep_form(ctx.session)
        waiting = await _waiting_urgent(ctx)
        if waiting is not None:
            # more about the emergency this chat already told: the same case, not a new one
            noted = await _note_more(ctx, waiting.case_no)
            return [noted, *await self._begin(ctx, waiting.case_no, {}, after_danger=False)]
        opened = await open_urgent(ctx)
        fit = fitted(ctx, opening(ctx)[0], ())
        if opened is None:
            ctx.session.end_flow()
            return [ctx.say("urgent.not_recorded", **fit)]
        ctx.session.start_flow(self.name)
        ctx.session.form["asked"] = []
        _remember_case(ctx.session, opened.case.case_no, cadre=fit["cadre"])
        values = self.values(ctx)
        values["case_no"] = opened.case.case_no
        # What the first message already says is not asked again, nor noted twice.
        values.update(opened.fills)
        values["from_opener"] = list(opened.fills)
        values.update(cadre=fit["cadre"], other=fit["other"])
        child_writing(ctx, values)
        hours = answered(ctx)
        received = ctx.say("urgent.received", case=opened.case, **fit, **hours)
        if hours["off_hours"] and fit["tonight"]:
            # "今晚都唔知食乜" after hours: what to do tonight, and staff see it first thing
            await _note_tonight(ctx, opened.case.case_no)
        return [received, *await self._advance(ctx)]

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        """``_answer``; "我不知道怎么打120 手抖", "你们能帮我打吗" get how to dial first
        (we cannot call for them, a neighbour can), staff told at once (probeM 5) — the
        place or phone in the same message is still taken."""
        if ctx.payload is None and asks_dial_help(ctx):
            values = self.values(ctx)
            case_no = str(values.get("case_no", ""))
            await _noted(ctx, case_no, "dial", life=True)
            step = ctx.session.step
            told = ctx.text if step == "place" else str(values.get("place") or "")
            found = match_place(told, ctx.services.region) if told else None
            place = f"{found.township}{found.village or ''}" if found is not None else ""
            again = bool(values.get("dial_helped"))
            values["dial_helped"] = True
            helped = ctx.say("urgent.dial_help", case_no=case_no, place=place, again=again)
            answers = (step == "place" and match_place(ctx.text, ctx.services.region)) or (
                step == "phone" and identity.phone(ctx, {}).value is not None
            )
            if not answers:
                return [helped, *await self.resume(ctx)]
            return [helped, *await self._answer(ctx)]
        return await self._answer(ctx)

    async def _answer(self, ctx: TurnContext) -> list[BotReply]:
        """An answer to the urgent questions — or a doubt whether to call at all, which is
        answered (yes) before the question is asked again."""
        said = ctx.text.replace(" ", "")
        asks = any(word in said for word in ctx.texts.raw("urgent.call_questions"))
        if ctx.payload is None and asks:
            alone = "alone_unseen" in self.values(ctx).get("kinds", [])
            answer = ctx.say("urgent.call_answer_alone" if alone else "urgent.call_answer")
            return [answer, *await self.resume(ctx)]
        if ctx.payload is None and asks_when(ctx):
            cadre = bool(self.values(ctx).get("cadre"))
            when = ctx.say("urgent.when_answer", cadre=cadre, **answered(ctx))
            return [when, *await self.resume(ctx)]
        if says_no_credit(ctx):
            # "手机冇得话费了 打不出去": never the place; the lines need no credit
            return [
                await no_credit(ctx, str(self.values(ctx).get("case_no", ""))),
                *await self.resume(ctx),
            ]
        if ctx.payload is None and any(
            word in said for word in ctx.texts.raw("urgent.hopeless_words")
        ):
            # "莫问了 说了也没用 没人管的": comforted, told to staff, never taken as the place
            values = self.values(ctx)
            case_no = str(values.get("case_no", ""))
            await _note_more(ctx, case_no)
            despair = DESPAIR in values.get("kinds", [])
            comfort = ctx.say("urgent.hopeless", case_no=case_no, despair=despair)
            return [comfort, *await self.resume(ctx)]
        if ctx.payload is None and ctx.session.step == "place" and tells_situation(ctx):
            # "就是一个人在屋里 低保也冒得 …一分钱收入都冒得" at "您在哪里": her situation,
            # on the case at once, never the place; the place is asked again (probeG F13)
            values = self.values(ctx)
            case_no = str(values.get("case_no", ""))
            if "what" not in values:
                values["what"] = ctx.text.strip()
                values["from_opener"] = [*values.get("from_opener", []), "what"]
            if child_writing(ctx, values) and not values.get("other"):
                # a child at home with nothing to eat (probeM 6): what to do now, in a
                # child's words, and staff told it is a child alone — no 低保 offer later
                await _noted(ctx, case_no, "child", life=True)
                return [ctx.say("urgent.child_hungry", case_no=case_no), *await self._advance(ctx)]
            noted = await _note_more(ctx, case_no)
            values["situation_told"] = True
            return [noted, *await self._advance(ctx)]
        if ctx.payload is None and ctx.session.step in ("place", "phone") and says_called(ctx):
            # "我打了110了 警察说马上来": acknowledged and told to staff, the question
            # asked again; the 110 is no phone number (probeM 4)
            case_no = str(self.values(ctx).get("case_no", ""))
            await _noted(ctx, case_no, "more")
            ack = ctx.say("urgent.called_ack", case_no=case_no, step=ctx.session.step)
            return [ack, *await self.resume(ctx)]
        if ctx.payload is None and ctx.session.step in ("place", "phone") and _small_talk(ctx):
            return await self.resume(ctx)  # "你好" at a question: asked again, nothing noted
        if ctx.payload is None and ctx.session.step == "place" and not names_place(ctx):
            return await self._not_place(ctx)
        if ctx.payload is None and ctx.session.step == "phone" and wants_to_talk(ctx):
            # "俺就跟你说说" at the phone question: listened to first, never "没看到手机号"
            return await self._not_place(ctx, step="phone")
        if ctx.payload is None and ctx.session.step == "phone":
            # "我没得手机 这是我孙女的 13973712345 他在长沙打工": whose number it is, and
            # where, kept with it for staff (probeI W1)
            words = "".join(c for c in ctx.text if not (c.isdigit() or c.isspace()))
            if len(words) >= PHONE_WORDS_MIN:
                self.values(ctx)["phone_words"] = ctx.text.strip()
        return await super().handle(ctx)

    async def _not_place(self, ctx: TurnContext, step: str = "place") -> list[BotReply]:
        """ "俺就跟你说说", "我不知道选哪个 我就是饿" at 「您现在在哪里」: no place — kept
        on the case for staff, a word of listening, the question asked once more (then
        left for later: the next question)."""
        values = self.values(ctx)
        case_no = str(values.get("case_no", ""))
        await _noted(ctx, case_no, "more")
        again = bool(values.get(f"{step}_again"))
        # the child's own words only when the child writes, not a neighbour (replayJ)
        said_by_other = bool(values.get("other")) or any(
            word in ctx.text.replace(" ", "") for word in ctx.texts.raw("urgent.other_person_words")
        )
        child = (
            CHILD in values.get("kinds", []) or child_writing(ctx, values)
        ) and not said_by_other
        said = ctx.say("urgent.not_place", case_no=case_no, child=child, again=again, step=step)
        if again:
            values[step] = identity.SKIP
            values.setdefault("from_opener", []).append(step)
            return [said, *await self._advance(ctx)]
        values[f"{step}_again"] = True
        return [said, *await self.resume(ctx)]

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        despair = DESPAIR in values.get("kinds", [])
        done = await add_urgent_note(
            ctx, values["case_no"], values, values["from_opener"], despair=despair
        )
        if values.get("situation_told"):  # alone, no income: 低保 and the others, later
            done.append(ctx.say("urgent.situation_offer"))
        if restore_kept(ctx.session, paused=True) is not None:
            done.append(kept_reply(ctx))
        return done

    async def on_danger(self, ctx: TurnContext, danger: Danger) -> list[BotReply]:
        """``_on_danger``; words of despair are remembered for the chat's case, so that
        what follows ("那我等不到了") is read in their light (``despairing``)."""
        replies = await self._on_danger(ctx, danger)
        told = ctx.session.slots.get(TOLD) or {}
        if told.get("case_no"):
            told["kinds"] = sorted({*told.get("kinds", []), *danger.kinds})
            if danger.despair:
                mark_despair(ctx.session, str(told["case_no"]))
        return replies

    async def staff_alarm(
        self, ctx: TurnContext, danger: Danger, case_no: str | None = None
    ) -> list[BotReply]:
        """口述办: staff tell of danger happening now ("现在躺在屋里起不来 一个人住 米也吃完
        了"): the lines, and the urgent case opened at once as danger to life with their
        words and the recorder's name (or ``case_no``, the one this intake opened, told)
        — the intake goes on, nothing is asked here (probeI H10)."""
        # words of despair told of a resident: what the caseworker does now (stay with
        # her, 12356 together), not the lines spoken to the person herself (probeM 2)
        lines = [ctx.say("urgent.staff_despair")] if danger.despair else life_lines(ctx, danger)
        if case_no:
            _remember_case(ctx.session, case_no, cadre=True)
            await _noted(ctx, case_no, "life", life=True)
            return [*lines, ctx.say("urgent.staff_alarm_added", case_no=case_no)]
        opened = await open_urgent(ctx, life=True, known=await _account_known(ctx))
        if opened is None:
            return [*lines, ctx.say("urgent.life_not_recorded", cadre=True)]
        case_no = opened.case.case_no
        _remember_case(ctx.session, case_no, cadre=True)
        desk = ctx.services.desk
        staff = await call(ctx, desk.staff_for_chat, ctx.message.channel, ctx.message.sender_id)
        name = staff.name if staff is not None else ""
        try:
            await call(
                ctx,
                ctx.services.chat_cases.add_note,
                case_no,
                ctx.texts("urgent.staff_alarm_note", name=name),
                staff_text=ctx.texts("urgent.staff_alarm_staff_note", case_no=case_no, name=name),
                # a place in the account first (open_urgent), else the recorder's township
                place_text=staff.region if staff is not None else "",
            )
        except Exception:
            log.exception("recorder could not be noted")
        return [*lines, ctx.say("urgent.staff_alarm", case_no=case_no, **answered(ctx))]

    async def staff_more(self, ctx: TurnContext, case_no: str) -> BotReply:
        """口述办: more about the urgent case the intake opened ("先给他报急难 要镇里今天
        来人"): added to it."""
        _remember_case(ctx.session, case_no, cadre=True)
        if not await _noted(ctx, case_no, "more"):
            return ctx.say("urgent.note_failed", case_no=case_no)
        return ctx.say("urgent.staff_more_added", case_no=case_no)

    async def all_clear(self, ctx: TurnContext, case_no: str) -> list[BotReply]:
        """ "扑灭了 虚惊一场", "他醒了 能说话了": an update to the urgent case — staff told
        it is better (nothing lowered: they decide), a word of what still matters, and the
        form the emergency interrupted taken up again where it was."""
        await _noted(ctx, case_no, "better")
        kinds = (ctx.session.slots.get(TOLD) or {}).get("kinds", [])
        if ctx.session.flow == self.name:
            kinds = [*kinds, *self.values(ctx).get("kinds", [])]
            ctx.session.end_flow()
        _remember_case(ctx.session, case_no)
        ctx.session.slots[TOLD]["better"] = True
        advice: dict[str, str] = ctx.texts.raw("urgent.better_advice")
        tips = [advice[kind] for kind in advice if kind in kinds]
        replies = [ctx.say("urgent.better", case_no=case_no, tips=tips)]
        if ctx.session.flow and ctx.session.paused:
            ctx.session.paused = False  # the form kept by 菜单 or an earlier alarm
            replies.append(ctx.say("urgent.better_back"))
        elif restore_kept(ctx.session, paused=False) is not None:
            replies.append(ctx.say("urgent.better_back"))
        else:
            return replies
        return replies

    async def false_alarm(self, ctx: TurnContext, case_no: str) -> list[BotReply]:
        """ "没事了 是误会 他在邻居家", "那个求助可以撤销了吧 别让工作人员白跑": the case
        closed as a false alarm (staff read why in the closing note; despair and violence
        are only noted: staff still call gently), said so, with a word of what still
        matters (a faint: see a doctor). Already closed: said so (probeG F12)."""
        kinds = list((ctx.session.slots.get(TOLD) or {}).get("kinds", []))
        if ctx.session.flow == self.name:
            kinds = [*kinds, *self.values(ctx).get("kinds", [])]
            ctx.session.end_flow()
        _remember_case(ctx.session, case_no)
        waiting = await _waiting_urgent(ctx)
        if waiting is None or waiting.case_no != case_no:
            return [ctx.say("urgent.false_alarm_done", case_no=case_no)]
        keep_open = DESPAIR in kinds or "violence" in kinds
        if not await _note_false_alarm(ctx, case_no, keep_open=keep_open, close=not keep_open):
            return [ctx.say("urgent.note_failed", case_no=case_no)]
        if DESPAIR in kinds:
            return [ctx.say(despair_retracted_key(ctx), case_no=case_no)]
        advice: dict[str, str] = ctx.texts.raw("urgent.better_advice")
        tips = [advice[kind] for kind in advice if kind in kinds]
        return [ctx.say("urgent.false_alarm", case_no=case_no, closed=not keep_open, tips=tips)]

    async def not_better(self, ctx: TurnContext, case_no: str) -> list[BotReply]:
        """ "不是好转了！是没得钱买米了": the 好转 note withdrawn — staff told the emergency
        stands, the resident told it is still handled as urgent."""
        await _noted(ctx, case_no, "not_better")
        _remember_case(ctx.session, case_no)
        ctx.session.slots[TOLD]["better"] = False
        return [ctx.say("urgent.not_better", case_no=case_no, **answered(ctx))]

    async def _on_danger(self, ctx: TurnContext, danger: Danger) -> list[BotReply]:
        """A message that may mean danger to life, in any flow at any step: the lines
        first; the urgent case opened (or this chat's open one told and marked) as
        danger to life; then the urgent questions go on. The next message is checked
        again before it is taken as an answer (``AFTER_DANGER``)."""
        lines = life_lines(ctx, danger)
        session = ctx.session
        active = session.flow == self.name and "case_no" in self.values(ctx)
        case_no = self.values(ctx)["case_no"] if active else None
        keep_form(session)
        if case_no is None:
            waiting = await _waiting_urgent(ctx)
            case_no = waiting.case_no if waiting is not None else None
        if case_no is None:
            opened = await open_urgent(ctx, life=True)
            fit = fitted(ctx, ctx.text, danger.kinds)
            if opened is None:
                session.end_flow()
                return [*lines, ctx.say("urgent.life_not_recorded", **fit)]
            replies = await self._begin(ctx, opened.case.case_no, opened.fills, danger, True)
            hours = answered(ctx)
            received = ctx.say("urgent.life_received", case=opened.case, **fit, **hours)
            if hours["off_hours"] and fit["tonight"]:
                await _note_tonight(ctx, opened.case.case_no)
            if CHILD in danger.kinds:
                await _noted(ctx, opened.case.case_no, "child")
            return [*lines, received, *replies]
        noted = await _note_danger(ctx, case_no)
        if not active:
            fills = opener_fills(ctx, ctx.text.strip())
            replies = await self._begin(ctx, case_no, fills, danger, False)
            return [*lines, noted, *replies]
        values = self.values(ctx)
        fills = {k: v for k, v in opener_fills(ctx, ctx.text.strip()).items() if k not in values}
        values.update(fills)
        values["from_opener"] = [*values.get("from_opener", []), *fills]
        values["kinds"] = sorted({*values.get("kinds", []), *danger.kinds})
        values["opened_here"] = False  # a mistake now does not undo the earlier alarm
        session.form[AFTER_DANGER] = True
        return [*lines, noted, *await self._advance(ctx)]

    async def _begin(
        self,
        ctx: TurnContext,
        case_no: str,
        fills: dict[str, str],
        danger: Danger | None = None,
        opened_here: bool = False,
        *,
        after_danger: bool = True,
    ) -> list[BotReply]:
        ctx.session.start_flow(self.name)
        ctx.session.form["asked"] = []
        told = _told(ctx, case_no)
        _remember_case(ctx.session, case_no)
        values = self.values(ctx)
        values["case_no"] = case_no  # place and phone given earlier for this case
        values.update(told)
        values.update(fills)
        values["from_opener"] = [*fills, *told]
        values["kinds"] = list(danger.kinds) if danger is not None else []
        values["opened_here"] = opened_here
        child_writing(ctx, values)
        fit = fitted(ctx, ctx.text, values["kinds"])
        values["cadre"] = fit["cadre"] or bool((ctx.session.slots.get(TOLD) or {}).get("cadre"))
        values["other"] = fit["other"]
        _remember_case(ctx.session, case_no, cadre=values["cadre"])
        if after_danger:
            ctx.session.form[AFTER_DANGER] = True
        if all(slot.name in values for slot in self.slots):
            # everything was told before: the case has this message, nothing to ask
            ctx.session.end_flow()
            phone = identity.given(values.get("phone"))
            done = [ctx.say("urgent.all_told", case_no=case_no, phone=bool(phone))]
            if restore_kept(ctx.session, paused=True) is not None:
                done.append(kept_reply(ctx))
            return done
        return await self._advance(ctx)

    async def retract(self, ctx: TurnContext) -> tuple[list[BotReply], str | None]:
        """The resident says the alarm was a mistake: said back, the case noted as 误报
        for staff (closed as a false alarm when this alarm opened it; despair and violence
        are never closed or lowered: staff still call gently), the urgent questions end and the kept form
        comes back (not paused). The replies, and the name of the form given back."""
        values = self.values(ctx)
        case_no = str(values.get("case_no", ""))
        kinds = list(values.get("kinds", []))
        keep_open = DESPAIR in kinds or "violence" in kinds
        # opened by the mistaken message: closed as a false alarm
        lower = bool(values.get("opened_here")) and not keep_open
        noted = await _note_false_alarm(ctx, case_no, keep_open=keep_open, close=lower)
        ctx.session.end_flow()
        key = despair_retracted_key(ctx) if DESPAIR in kinds else "urgent.mistake"
        replies = [ctx.say(key, case_no=case_no, noted=noted, keep_open=keep_open, closed=lower)]
        return replies, restore_kept(ctx.session, paused=False)


async def _note_false_alarm(
    ctx: TurnContext, case_no: str, *, keep_open: bool, close: bool
) -> bool:
    """The message, masked, on the case as a false alarm (staff told); ``close`` lowers
    and closes the case. False (logged) when it could not be stored."""
    said = mask_text(ctx.text.strip())[:SUMMARY_LIMIT]
    try:
        await call(
            ctx,
            ctx.services.chat_cases.false_alarm,
            case_no,
            ctx.texts("urgent.mistake_note", text=said),
            staff_text=ctx.texts(
                "urgent.mistake_staff_note",
                case_no=case_no,
                text=said,
                keep_open=keep_open,
                closed=close,
            ),
            lower=close,
            close=close,
        )
    except Exception:
        log.exception("false alarm could not be noted")
        return False
    return True


def asks_dial_help(ctx: TurnContext) -> bool:
    """ "我不知道怎么打120 手抖", "你们能帮我打吗": the resident cannot call the line."""
    said = ctx.text.replace(" ", "")
    return any(word in said for word in ctx.texts.raw("urgent.dial_help_words"))


def says_called(ctx: TurnContext) -> bool:
    """ "我打了110了 警察说马上来": the resident called a line already, and the message
    gives no mobile number (that one is the answer) nor a place (at the place question)."""
    said = ctx.text.replace(" ", "")
    if not any(word in said for word in ctx.texts.raw("urgent.called_more_words")):
        return False
    if identity.phone(ctx, {}).value is not None:
        return False
    return ctx.session.step != "place" or match_place(ctx.text, ctx.services.region) is None


def wants_to_talk(ctx: TurnContext) -> bool:
    """ "俺就跟你说说", "我就想找人说说话": a wish to be listened to (probeI R1)."""
    return says_talk(ctx.text)


def says_talk(text: str) -> bool:
    """``wants_to_talk`` on a text."""
    said = text.replace(" ", "")
    return any(word in said for word in texts().raw("urgent.talk_words"))


def despair_retracted_key(ctx: TurnContext) -> str:
    """Despair taken back: discretion is promised only when the resident asked for it
    ("别声张", "别让村里人知道"); otherwise a gentle call or visit stays possible (probeI H3)."""
    quiet = asks_discretion(ctx.text)
    return "urgent.despair_retracted_quiet" if quiet else "urgent.despair_retracted"


def asks_discretion(text: str) -> bool:
    """ "别声张", "别让村里人知道": the resident asks that it be kept quiet."""
    return any(word in text for word in texts().raw("urgent.discretion_words"))


# Session slots. KEPT: the form an emergency interrupted ({flow, step, form}), given back
# after the urgent questions. TOLD: place and phone told for the chat's urgent case.
KEPT = "_kept_form"
TOLD = "_urgent_told"


def keep_form(session: Session) -> None:
    """Keep the form being filled in (paused or not) before the urgent questions."""
    if session.flow and session.flow != UrgentFlow.name:
        session.slots[KEPT] = {"flow": session.flow, "step": session.step, "form": session.form}


def restore_kept(session: Session, *, paused: bool) -> str | None:
    """The kept form made the active flow again (when no other flow is active); its name."""
    kept = session.slots.pop(KEPT, None)
    if not kept or (session.flow and session.flow != UrgentFlow.name):
        return None
    session.flow, session.step, session.form = kept["flow"], kept["step"], kept["form"]
    session.paused = paused
    return str(kept["flow"])


def kept_reply(ctx: TurnContext) -> BotReply:
    """The kept form offered again, with a button to go on."""
    names: dict[str, str] = ctx.texts.raw("urgent.kept_names")
    what = names.get(ctx.session.flow or "", names["default"])
    button = Button(ctx.texts("urgent.button_continue"), "/continue")
    return ctx.say("urgent.form_kept", buttons=(button,), what=what)


def _told(ctx: TurnContext, case_no: str) -> dict[str, str]:
    """Place and phone this chat already told (or chose to skip) for ``case_no``: not
    asked again."""
    told = ctx.session.slots.get(TOLD) or {}
    if told.get("case_no") != case_no:
        return {}
    return {k: str(told[k]) for k in ("place", "phone") if told.get(k)}


def despairing(session: Session, hours: float) -> str | None:
    """The urgent case of the last ``hours`` in which this chat said words of despair."""
    case_no = following(session, hours)
    told = session.slots.get(TOLD) or {}
    return case_no if case_no and told.get("despair") else None


def mark_despair(session: Session, case_no: str) -> None:
    """Remember that the chat's urgent case holds words of despair (``despairing``)."""
    _remember_case(session, case_no)
    session.slots[TOLD]["despair"] = True


def _remember_case(session: Session, case_no: str, *, cadre: bool = False) -> None:
    """The chat's urgent case and when it was last told about (place, phone kept);
    ``cadre``: the writer is the village cadre (never told to find one)."""
    told = session.slots.get(TOLD) or {}
    if told.get("case_no") != case_no:
        told = {"case_no": case_no}
    told["at"] = datetime.now(UTC).isoformat()
    if cadre:
        told["cadre"] = True
    session.slots[TOLD] = told


def following(session: Session, hours: float) -> str | None:
    """The urgent case this chat told about in the last ``hours``, if any."""
    told = session.slots.get(TOLD) or {}
    try:
        at = datetime.fromisoformat(str(told.get("at", "")))
    except ValueError:
        return None
    if datetime.now(UTC) - at > timedelta(hours=hours):
        return None
    return str(told["case_no"]) if told.get("case_no") else None


async def follow_up(ctx: TurnContext, case_no: str) -> list[BotReply] | None:
    """More said about the emergency after its questions: added to its case (if it is
    still being handled), the kept form offered again. None when the case has ended."""
    waiting = await _waiting_urgent(ctx)
    if waiting is None or waiting.case_no != case_no:
        return None
    _remember_case(ctx.session, case_no)
    if says_no_credit(ctx):
        return [await no_credit(ctx, case_no)]
    noted = await _note_more(ctx, case_no)
    # "什么时候有人来": the answer (staff have the question too)
    cadre = bool((ctx.session.slots.get(TOLD) or {}).get("cadre"))
    when = ctx.say("urgent.when_answer", cadre=cadre, **answered(ctx)) if asks_when(ctx) else None
    replies = [when or noted]
    if asks_money(ctx):  # "住院要交押金五千 屋里没得钱": 临时救助 (先行救助) and 医疗救助
        replies.append(money_answer(ctx, case_no))
    if ctx.session.flow and ctx.session.paused:
        replies.append(kept_reply(ctx))
    return replies


# Set on the turn of a danger reply: the next message is checked (another request?)
# before the urgent form takes it as an answer (bot.engine).
AFTER_DANGER = "after_danger"
ALWAYS_LINES = ("120", "110")  # given with every danger, after the kind's own lines
CHILD = "child_alone"  # a child alone with nothing to eat: staff told of the program too


def life_lines(ctx: TurnContext, danger: Danger) -> list[BotReply]:
    """The numbers to call, first; 12356 with a word for despair."""
    names: dict[str, str] = ctx.texts.raw("urgent.line_names")
    numbers = [*danger.lines, *(n for n in ALWAYS_LINES if n not in danger.lines)]
    lines = "、".join(f"{line} {names.get(line, '')}".strip() for line in numbers)
    said = ctx.text.replace(" ", "")
    called = any(word in said for word in ctx.texts.raw("urgent.called_words"))
    asks_how = any(word in said for word in ctx.texts.raw("urgent.how_words"))
    if called:  # not told to call again: what to do while waiting
        replies = [ctx.say("urgent.life_called", lines="/".join(danger.lines[:1] or numbers))]
    elif despair_only(ctx, danger):
        # words of despair, nothing done yet: 12356 and a human word first; 120 / 110
        # for the moment it turns into danger (domain.md's help lines; probeM 16)
        return [ctx.say("urgent.despair_lines", **answered(ctx))]
    else:
        replies = [ctx.say("urgent.life_lines", lines=lines)]
    if called or asks_how:
        advice: dict[str, str] = ctx.texts.raw("urgent.first_aid")
        kind = next((k for k in danger.kinds if k in advice), None)
        if kind is not None:
            replies.append(BotReply(advice[kind]))
    if danger.despair:
        replies.append(ctx.say("urgent.despair", **answered(ctx)))
    if CHILD in danger.kinds:
        other = any(w in said for w in ctx.texts.raw("urgent.other_person_words"))
        replies.append(ctx.say("urgent.child_alone", other=other))
    elif writes_as_child(ctx.text):
        # "家里就我一个 我13岁": a child writes — told what to do now in a child's words
        replies.append(ctx.say("urgent.child_writer"))
    return replies


def writes_as_child(text: str) -> bool:
    """ "我13岁", "我今年十岁", "我读五年级": the writer says they are a child (under 14),
    not of someone else ("他才9岁" is a report about a child)."""
    said = text.replace(" ", "")
    return any(re.search(p, said) for p in texts().raw("urgent.child_writer_patterns"))


def child_writing(ctx: TurnContext, values: dict[str, Any]) -> bool:
    """This urgent case's writer is a child (said in the opener or since)."""
    if not values.get("child_writer") and writes_as_child(ctx.text):
        values["child_writer"] = True
    return bool(values.get("child_writer"))


def despair_only(ctx: TurnContext, danger: Danger) -> bool:
    """Words of despair alone ("有时候想一了百了", "活起冒得味 不想搞了"): no other kind
    of danger and no act under way ("喝了农药", "站在楼顶") — those get 120 / 110 first."""
    if not danger.despair or set(danger.kinds) != {DESPAIR}:
        return False
    said = ctx.text.replace(" ", "")
    return not any(word in said for word in ctx.texts.raw("urgent.despair_act_words"))


async def copy_question(ctx: TurnContext, case_no: str) -> BotReply | None:
    """A policy question told while ``case_no`` is being handled, copied to it for staff
    (the question is answered by the policy flow); None when the case has ended."""
    waiting = await _waiting_urgent(ctx)
    if waiting is None or waiting.case_no != case_no:
        return None
    _remember_case(ctx.session, case_no)
    if not await _noted(ctx, case_no, "question"):
        return ctx.say("urgent.note_failed", case_no=case_no)
    return ctx.say("urgent.question_copied", case_no=case_no)


def says_no_credit(ctx: TurnContext) -> bool:
    """ "手机冇得话费了 打不出去": the phone cannot call out."""
    said = ctx.text.replace(" ", "")
    words = ctx.texts.raw("urgent.no_credit_words")
    return ctx.payload is None and any(word in said for word in words)


async def no_credit(ctx: TurnContext, case_no: str) -> BotReply:
    """The emergency numbers need no credit, a neighbour asked for; staff told the
    resident cannot call out (so they call or go)."""
    await _noted(ctx, case_no, "no_credit")
    return ctx.say("urgent.no_credit", case_no=case_no)


def asks_when(ctx: TurnContext) -> bool:
    """Whether the message asks when someone comes ("什么时候有人来")."""
    said = ctx.text.replace(" ", "")
    return ctx.payload is None and any(word in said for word in ctx.texts.raw("urgent.when_words"))


def asks_money(ctx: TurnContext) -> bool:
    """Whether the message tells of money needed now for care ("押金", "住院的钱")."""
    said = ctx.text.replace(" ", "")
    return ctx.payload is None and any(w in said for w in ctx.texts.raw("urgent.money_words"))


def money_answer(ctx: TurnContext, case_no: str) -> BotReply:
    """临时救助 (急难型, 先行救助) and 医疗救助, in the catalog's words."""
    from policies.catalog import load_catalog

    catalog = load_catalog()
    temporary, medical = catalog["temporary"], catalog["medical"]
    first = next(step for step in temporary.steps if step.name == "先行救助")
    medical_steps = [step for step in medical.steps if step.name in ("一站式结算", "因病致贫申请")]
    return ctx.say(
        "urgent.money_answer",
        case_no=case_no,
        temporary=temporary.short_name,
        temporary_who=temporary.eligibility[0].text,
        first=first.text,
        medical=medical.short_name,
        medical_how="；".join(step.text for step in medical_steps),
    )


def says_better(ctx: TurnContext) -> bool:
    """ "火扑灭了 虚惊一场", "他醒了": the emergency is better — with no "但是/又" after it,
    no worse news beside it ("没寄钱回来了 电话也打不通") and the word not negated."""
    said = ctx.text.replace(" ", "")
    if ctx.payload is not None or says_not_better(ctx):
        return False
    if any(
        w in said
        for w in (*ctx.texts.raw("urgent.better_but"), *ctx.texts.raw("urgent.worse_words"))
    ):
        return False
    negations = tuple(ctx.texts.raw("urgent.better_negations"))
    for word in ctx.texts.raw("urgent.better_words"):
        at = said.find(word)
        while at >= 0:
            # the word's own clause up to it: "没寄钱回来了" is a negated 回来了
            clause = re.split(r"[，,。.!！?？；;、]", said[:at])[-1]
            if not any(n in clause[-3:] for n in negations):
                return True
            at = said.find(word, at + 1)
    return False


def says_false_alarm(ctx: TurnContext) -> bool:
    """ "没事了 是误会 他在邻居家", "那个求助可以撤销了吧 别让工作人员白跑": the alarm was
    none, or its request is withdrawn — not a worry that it might be ("万一是误会呢")."""
    if ctx.payload is not None:
        return False
    said = ctx.text.replace(" ", "")
    if any(w in said for w in ctx.texts.raw("urgent.cancel_request_words")):
        return "申请" not in said  # "撤销申请" is about an application (flows.manage)
    return says_mistake(ctx.text)


def says_not_better(ctx: TurnContext) -> bool:
    """ "不是好转了！": the 好转 note for this chat's case was wrong."""
    said = ctx.text.replace(" ", "")
    return ctx.payload is None and any(w in said for w in ctx.texts.raw("urgent.not_better_words"))


def noted_better(session: Session, case_no: str) -> bool:
    """Whether this chat's urgent case ``case_no`` was noted as 好转 (``all_clear``)."""
    told = session.slots.get(TOLD) or {}
    return told.get("case_no") == case_no and bool(told.get("better"))


async def _waiting_urgent(ctx: TurnContext) -> CaseView | None:
    try:
        return await call(
            ctx,
            ctx.services.chat_cases.waiting_urgent,
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
        )
    except Exception:
        log.exception("urgent cases could not be read")
        return None


async def _note_more(ctx: TurnContext, case_no: str) -> BotReply:
    """More about the emergency (no danger to life found in it) added to its case."""
    if ctx.payload:  # the menu's button says nothing new
        return ctx.say("urgent.already_open", case_no=case_no)
    # "俺在新桥河镇 枫树村 你来吧" to staff's question: the township of a case without one
    if not await _noted(ctx, case_no, "more"):
        return ctx.say("urgent.note_failed", case_no=case_no)
    return ctx.say("urgent.more_added", case_no=case_no)


async def _note_danger(ctx: TurnContext, case_no: str) -> BotReply:
    """The message added to the urgent case, which is marked danger to life."""
    if not await _noted(ctx, case_no, "life", life=True):
        return ctx.say("urgent.note_failed", case_no=case_no)
    return ctx.say("urgent.life_added", case_no=case_no)


def fitted(ctx: TurnContext, text: str, kinds: Any) -> dict[str, Any]:
    """What the first reply says, fitted to the case: the 先行救助 line for what happened
    (none for despair, violence, someone not seen; its own for no food today), whether
    the writer is the village cadre, whether the person in danger is someone else."""
    raw = ctx.texts.raw
    said = text.replace(" ", "")
    lines: dict[str, str] = raw("urgent.first_help")
    need_now = any(word in said for word in raw("urgent.need_now_words"))
    if any(kind in raw("urgent.no_first_help_kinds") for kind in kinds):
        first_help = ""
    elif need_now and not any(kind in raw("urgent.first_help_kinds") for kind in kinds):
        first_help = lines["need_now"]
    else:
        first_help = lines["event"]
    roles = "|".join(re.escape(role) for role in raw("urgent.cadre_roles"))
    cadre = re.search(rf"我是[^，。,.!！?？]{{0,10}}?(?:{roles})", said) is not None
    other = "alone_unseen" in kinds or any(w in said for w in raw("urgent.other_person_words"))
    if (
        other
        and writes_as_child(text)
        and not any(w in said for w in raw("urgent.other_person_words"))
    ):
        other = False  # "我妈没回来 家里就我一个 我13岁": the child writing needs the help
    roofless = any(word in said for word in raw("urgent.shelter_words"))
    tonight = ctx.texts("urgent.tonight", cadre=cadre) if need_now or roofless else ""
    return {"first_help": first_help, "cadre": cadre, "other": other, "tonight": tonight}


async def _note_tonight(ctx: TurnContext, case_no: str) -> None:
    """An after-hours need of tonight (no food, no roof): staff are asked to call first
    thing; a note that cannot be stored hides nothing from the resident."""
    try:
        await call(
            ctx,
            ctx.services.chat_cases.add_note,
            case_no,
            ctx.texts("urgent.tonight_note"),
            staff_text=ctx.texts("urgent.tonight_staff_note", case_no=case_no),
        )
    except Exception:
        log.exception("urgent tonight note could not be stored")


def opening(ctx: TurnContext) -> tuple[str, str]:
    """The first message as typed (empty for a button) and the summary staff see first."""
    opener = "" if ctx.payload else ctx.text.strip()
    summary = mask_text(opener)[:SUMMARY_LIMIT] if opener else ctx.texts("urgent.from_menu")
    return opener, summary


def opener_fills(ctx: TurnContext, opener: str) -> dict[str, str]:
    """What the first message already said ("what", "place"): not asked again."""
    fills: dict[str, str] = {}
    if opener and describes_event(opener):
        fills["what"] = opener
    if opener and match_place(opener, ctx.services.region) is not None:
        fills["place"] = opener
    return fills


@dataclass(frozen=True)
class UrgentOpened:
    case: CaseView
    fills: dict[str, str]  # what the first message already said ("what", "place")


@dataclass(frozen=True)
class Known:
    """What the form under way (or a 口述办 account) knows of the person: carried onto
    the urgent case so it reaches their township and staff can find them (probeM 3)."""

    township: str = ""
    village: str = ""
    name: str = ""
    phone: str = ""
    facts: str = ""  # said to staff with the summary ("姓名 周桂芳；52岁；城镇；1人")

    def applicant(self) -> dict[str, str] | None:
        found = {k: v for k, v in (("name", self.name), ("phone", self.phone)) if v}
        return found or None


def _mobile(value: Any) -> str:
    """A mobile number kept by a form (not 跳过, a landline or 村部)."""
    text = str(value or "")
    return text if re.fullmatch(r"1[3-9]\d{9}", text) else ""


def known_of(
    *,
    township: Any = "",
    village: Any = "",
    name: Any = "",
    phone: Any = "",
    age: Any = None,
    residence: Any = "",
    size: Any = None,
) -> Known:
    names: dict[str, str] = texts().raw("urgent.residence_names")
    parts = [
        f"姓名 {name}" if name else "",
        f"{age}岁" if age else "",
        names.get(str(residence or ""), ""),
        f"{size}人" if size else "",
        f"{township or ''}{village or ''}",
    ]
    # said only with something that finds the person (a name, a place): "城镇" alone
    # tells staff nothing
    said = "；".join(part for part in parts if part) if (name or township) else ""
    return Known(
        township=str(township or ""),
        village=str(village or ""),
        name=str(name or ""),
        phone=_mobile(phone),
        facts=texts()("urgent.form_facts", facts=said) if said else "",
    )


async def _account_known(ctx: TurnContext) -> Known:
    """口述办: the resident the account tells of (name, phone, township), read by the
    intake's own reader; what the intake already holds when the account says less."""
    held = form_known(ctx)
    try:
        facts = await call(ctx, ctx.services.intake.extract, ctx.text)
    except Exception:
        log.exception("account could not be read for the urgent case")
        return held
    found = known_of(
        township=facts.township or held.township,
        village=(facts.village if facts.township else "") or held.village,
        name=facts.name or held.name,
        phone=facts.phone or held.phone,
    )
    return replace(found, facts="")  # the account itself is the case's summary


def form_known(ctx: TurnContext) -> Known:
    """What the form the emergency interrupts knows (an application, a screening, the
    口述办 of a resident): township, village, name, phone, age and household."""
    session = ctx.session
    if not session.flow or session.flow == UrgentFlow.name:
        return Known()
    values = session.form.get("values") or {}
    place = values.get("place") if isinstance(values.get("place"), dict) else {}
    ages = values.get("ages") or []
    return known_of(
        township=place.get("township"),
        village=values.get("village") or place.get("village"),
        name=values.get("name"),
        phone=values.get("phone"),
        age=ages[0] if ages else None,
        residence=values.get("residence"),
        size=values.get("household_size"),
    )


async def open_urgent(
    ctx: TurnContext, *, life: bool = False, known: Known | None = None
) -> UrgentOpened | None:
    """Open the urgent case at once (staff are told); None when it could not be stored —
    the hotlines are given all the same. ``life``: marked danger to life. ``known``:
    what a form knows of the person (default: the form the emergency interrupts)."""
    opener, summary = opening(ctx)
    known = form_known(ctx) if known is None else known
    if known.facts:
        summary = f"{summary}{known.facts}"
    try:
        opened = await call(
            ctx,
            ctx.services.chat_cases.urgent,
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=summary,
            life=life,
            place_text=opener,
            township=known.township,
            village=known.village,
            applicant=known.applicant(),
        )
    except Exception:
        # Never let a database problem hide the hotlines from someone in danger.
        log.exception("urgent case could not be stored")
        return None
    return UrgentOpened(opened.case, opener_fills(ctx, opener))


@dataclass(frozen=True)
class UrgentNote:
    note: str  # what the case's history and summary get
    staff_text: str  # what staff are told
    place_text: str  # the place as typed (it may name the township)
    phone: str | None  # the number staff call back
    phone_shown: str  # masked, as the reply shows it


def urgent_note(
    ctx: TurnContext, case_no: str, values: dict[str, Any], from_opener: list[str]
) -> UrgentNote:
    """The answers (place, what, phone; SKIP for a question left out) as a note."""
    phone = identity.given(values.get("phone"))
    new = {
        name: mask_text(values[name])
        for name in ("place", "what")
        if values[name] != identity.SKIP and name not in from_opener
    }
    place_text = values["place"] if values["place"] != identity.SKIP else ""
    facts = {**{"place": "", "what": ""}, **new, "phone": mask_phone(phone) if phone else ""}
    words = mask_text(str(values.get("phone_words") or ""))[:SUMMARY_LIMIT] if phone else ""
    note = ctx.texts("urgent.note", **facts, phone_words=words)
    staff_text = ctx.texts("urgent.staff_note", case_no=case_no, note=note)
    return UrgentNote(note, staff_text, place_text, phone, facts["phone"])


async def add_urgent_note(
    ctx: TurnContext,
    case_no: str,
    values: dict[str, Any],
    from_opener: list[str],
    *,
    despair: bool = False,
) -> list[BotReply]:
    """Add the answers to the case; the reply says staff have them (and 12356 again
    after words of despair)."""
    noted = urgent_note(ctx, case_no, values, from_opener)
    try:
        await call(
            ctx,
            ctx.services.chat_cases.add_note,
            case_no,
            noted.note,
            staff_text=noted.staff_text,
            place_text=noted.place_text,
            phone=noted.phone,
        )
    except Exception:
        log.exception("urgent note could not be stored")
        return [ctx.say("urgent.note_failed", case_no=case_no)]
    # a question skipped is not asked again for this case either
    place = noted.place_text or (identity.SKIP if values.get("place") == identity.SKIP else "")
    phone = noted.phone or (identity.SKIP if values.get("phone") == identity.SKIP else "")
    before = ctx.session.slots.get(TOLD) or {}
    told = {"case_no": case_no, "place": place, "phone": phone}
    if before.get("case_no") == case_no:
        told.update({k: before[k] for k in ("despair", "kinds", "cadre") if before.get(k)})
    ctx.session.slots[TOLD] = {**told, "at": datetime.now(UTC).isoformat()}
    return [
        ctx.say(
            "urgent.done",
            case_no=case_no,
            phone=noted.phone_shown,
            despair=despair,
            life=bool(values.get("kinds")),  # danger to life: 尽快, not 今天 (probeM 5)
            **answered(ctx),
        )
    ]


async def _noted(ctx: TurnContext, case_no: str, kind: str, *, life: bool = False) -> bool:
    """The message, masked, added to the urgent case with the ``urgent.<kind>_note`` and
    ``urgent.<kind>_staff_note`` texts; False (logged) when it could not be stored.
    A place it names fills the case's empty township."""
    said = mask_text(ctx.text.strip())[:SUMMARY_LIMIT]
    try:
        await call(
            ctx,
            ctx.services.chat_cases.add_note,
            case_no,
            ctx.texts(f"urgent.{kind}_note", text=said),
            staff_text=ctx.texts(f"urgent.{kind}_staff_note", case_no=case_no, text=said),
            # a township or village named anywhere in the conversation places the case
            # (when it has no place yet), so that township's staff see it (probeI W4/W27)
            place_text=ctx.text,
            life=life,
        )
    except Exception:
        log.exception("urgent note could not be stored")
        return False
    return True
