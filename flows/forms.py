"""The form mechanism every flow is built on.

A form declares its slots by name; each slot has a question (a reply-text key), a
reader (``flows.reading``: the readers of ``nlu.answers``) and a validator that
explains what is wrong. The current step is the slot's name (or ``confirm``/
``change``), so a session read in a debugger or in Redis says plainly where the user
is.

Rules the mechanism keeps for every form:

- **Facts in any order.** Every message is read with ``nlu.facts.extract_facts``
  (the reader's ``facts``) for every slot the form has: what was said is kept, said
  back in one short line ("记下了：…") and never asked again. A fact never fills a
  slot that already has an answer, unless the message is a correction ("不对，…")
  or it is said at the summary. One slot's answer is never filed into another: a
  number with the wrong unit ("1套" at the deposits) is kept for the slot it belongs
  to, and the question is asked again.
- **The summary submits only on an explicit confirmation** (``read_confirm`` ==
  "yes", or the 确认无误 button). Anything else is a correction: recognisable facts
  are applied and the summary is shown again saying what changed; otherwise the
  resident is asked what to change.
- **A consent is recorded only on an explicit agreement** (``read_consent`` ==
  "agree", or the 同意 button). A refusal or a hesitation is said back, with a
  person (转人工), reading the text again, or cancelling offered; it is never
  recorded as agreed.

Global commands (取消, 返回, 菜单, 转人工) are handled by the engine before a form
sees the answer; ``back`` is implemented here.
"""

from __future__ import annotations

import copy
import re
from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from backend.clock import utcnow
from base.messages import BotReply, Button
from base.session import Session
from flows import reading
from flows.base import Flow, TurnContext
from flows.reading import Reader
from flows.texts import Texts, texts
from nlu.answers import Choice, Reading
from nlu.answers.reading import fact_json
from nlu.danger import said_now

CANCELLED = "_cancelled"  # session slot: a form cancelled, until resumed or a new one starts
# Session slot: household facts told to staff in 转人工 (flows.handoff), taken by the next
# form so it does not ask them again (probeM 9); only these facts are kept.
HANDOFF_FACTS = "_handoff_facts"
KEPT_FACTS = ("township", "village", "residence", "household_size", "ages")
# How long a cancelled form is kept for 「恢复」: idle turns and hours after the cancel.
KEEP_CANCELLED_TURNS = 20
KEEP_CANCELLED_HOURS = 24
CONFIRM = "confirm"
CHANGE = "change"
AGREE = "agree"
MAX_TRIES = 3
SWITCH_CONFIDENCE = 0.9  # an unfitting answer this sure of another intent offers to switch

# A slot's value among the facts of a message: (facts, answers so far, whether the
# message corrects earlier answers) → value or None.
FactRule = Callable[[dict[str, Any], dict[str, Any], bool], Any]

__all__ = [
    "AGREE",
    "CHANGE",
    "CONFIRM",
    "Choice",
    "Form",
    "Slot",
    "choice_buttons",
    "choices_from",
    "payload_of",
    "read_answer",
]


def payload_of(choice: Choice) -> str:
    return f"/{choice.value}"


@dataclass(frozen=True)
class Slot:
    """One question of a form.

    ``question`` and ``label`` are reply-text keys, looked up in the same ``Texts``:
    the form's ``questions`` when it has its own (the tests' demo form keeps both in
    ``tests/support/texts/``), else ``flows/texts`` (labels in ``labels.yml``). The
    label names the answer in the summary, the change menu and a correction; a slot
    without one is left out of them. ``label_values`` fill the label's template
    (a consent's title). ``show`` says how a value reads (usually a ``labels.show_*``
    template); ``describe`` does so with the other answers at hand.

    ``read`` reads an answer to this question (``flows.reading``); a slot with
    ``choices`` and no reader is read with ``read_choice``. ``fact`` fills the slot
    from the facts of any message: a key of ``extract_facts`` or a ``FactRule``.
    ``asked=False``: kept when said, never asked. ``consent``: only an explicit
    agreement fills it.
    """

    name: str
    question: str  # reply-text key
    label: str = ""  # reply-text key naming the answer in the summary
    label_values: dict[str, Any] = field(default_factory=dict)
    read: Reader | None = None
    fact: str | FactRule | None = None
    merge: bool = False  # the fact rule adds to an answer already given
    # The reason a value is refused (it sees the other answers too), or None.
    validate: Callable[[Any, dict[str, Any]], str | None] | None = None
    choices: tuple[Choice, ...] = ()
    # Choices that depend on earlier answers (the villages of the chosen township).
    choices_for: Callable[[dict[str, Any]], tuple[Choice, ...]] | None = None
    multiple: bool = False  # several choices may be picked at once
    ask_if: Callable[[dict[str, Any]], bool] | None = None  # ask only when this holds
    asked: bool = True
    consent: bool = False
    refused: str = "forms.consent_not_agreed"  # reply-text key said when not agreed
    show: Callable[[Any], str] | None = None  # how the value reads in the summary
    describe: Callable[[Any, dict[str, Any]], str] | None = None
    question_values: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    hints: dict[str, Any] = field(default_factory=dict)  # e.g. {"request_phone": True}
    unclear: str = "forms.not_understood"  # reply-text key said when no value was found
    # A question about the question ("有高血压 算不算病"): its answer, then the question
    # again. (ctx, answers so far) → the reply, or None when the message is no such question.
    about: Callable[[TurnContext, dict[str, Any]], str | None] | None = None
    # … and when the same message answers it too ("没车 电动车算不算"), that answer is taken
    about_keeps_answer: bool = False
    words: tuple[str, ...] = ()  # what names this answer at the summary ("电话", "名字")
    # Danger kinds this question asks about as past events ("火灾" at the 变故 question):
    # named in its answer they are a fact, not an alarm, unless told as happening now.
    named_dangers: tuple[str, ...] = ()

    def wanted(self, values: dict[str, Any]) -> bool:
        return self.ask_if is None or self.ask_if(values)

    def options(self, values: dict[str, Any]) -> tuple[Choice, ...]:
        return self.choices_for(values) if self.choices_for is not None else self.choices

    def display(self, value: Any, values: dict[str, Any] | None = None) -> str:
        if self.describe is not None:
            return self.describe(value, values or {})
        if self.show is not None:
            return self.show(value)
        for choice in self.choices:
            if choice.value == value:
                return choice.title
        return str(value)

    def from_facts(
        self, facts: dict[str, Any], values: dict[str, Any], overwrite: bool = False
    ) -> Any:
        if self.fact is None:
            return None
        if isinstance(self.fact, str):
            found = facts.get(self.fact)
            return None if found is None else fact_json(found)
        return self.fact(facts, values, overwrite)


def choices_from(items: Iterable[Mapping[str, Any]]) -> tuple[Choice, ...]:
    """Choices from a YAML list of ``{value, title, words}`` (``words`` may be left out)."""
    return tuple(
        Choice(str(item["value"]), str(item["title"]), tuple(str(w) for w in item.get("words", ())))
        for item in items
    )


def choice_buttons(choices: tuple[Choice, ...]) -> tuple[Button, ...]:
    return tuple(Button(choice.title, payload_of(choice)) for choice in choices)


# The questions about money (flows.screening's slots; the application asks the same).
MONEY_QUESTIONS = ("monthly_income", "medical", "education", "deposits", "debt", "one_off_cost")


def read_answer(slot: Slot, ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """The answer to ``slot`` as its reader reads it: a button's payload chooses, else the
    slot's reader, else its choices (``read_choice``), else the text as typed."""
    options = slot.options(values)
    if options and ctx.payload:
        for choice in options:
            if ctx.payload == payload_of(choice):
                return Reading([choice.value] if slot.multiple else choice.value)
    if slot.read is not None:
        found = slot.read(ctx, values)
        if found.value is None and options:
            picked = reading.choice(options, ctx, values)
            if picked.value is not None:
                return Reading(picked.value, sure=picked.sure, facts=found.facts)
        return found
    if options:
        pick = reading.choices if slot.multiple else reading.choice
        found = pick(options, ctx, values)
        if found.value is None:
            # A name the choices do not list as typed ("五包", "低包") that the NLU read
            # as exactly one of them (an entity of the slot's kind): that one.
            allowed = {option.value for option in options}
            named = {v for v in ctx.parse.all(slot.name) if v in allowed}
            if len(named) == 1:
                value = named.pop()
                return Reading([value] if slot.multiple else value)
        return found
    return reading.free_text(1)(ctx, values)


class Form(Flow):
    """A flow that fills named slots, confirms a summary and submits."""

    slots: ClassVar[tuple[Slot, ...]] = ()
    confirm: ClassVar[bool] = True
    intro: ClassVar[str | None] = None  # reply-text key said once at the start
    # A look-up (查进度): starting or cancelling it keeps a cancelled application for
    # 「恢复」, as promised (一天内有效), instead of dropping it (probeL 17).
    lookup: ClassVar[bool] = False
    # Where question and label keys live; default: flows/texts.
    questions: ClassVar[Texts | None] = None

    # -- what a subclass provides -------------------------------------------------
    @abstractmethod
    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        """Act on the completed form; the flow has already ended when this runs."""

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        """Values known before the first question (e.g. facts from an earlier screening)."""
        return {}

    def on_filled(self, ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
        """Called after an answer fills ``slot``; may fill or clear what depends on it."""

    def on_cleared(self, ctx: TurnContext, name: str, values: dict[str, Any]) -> None:
        """Called after the answer to ``name`` is taken back (修改, 返回)."""

    def correct_first(
        self, ctx: TurnContext, values: dict[str, Any]
    ) -> tuple[list[str], tuple[str, ...]]:
        """A correction at the summary that the facts alone would misread (which member
        a condition is about: "重病的是59岁的" is no new age): applied before the facts.
        The slots it changed, and the fact keys the facts may then not change."""
        return [], ()

    def danger_is_answer(self, session: Session, text: str, kinds: tuple[str, ...]) -> bool:
        """ "火灾", "家里失火了" answering 最近3个月有没有变故 is the event, recorded;
        "着火了 快来", "现在还在烧" is happening now and stays an alarm."""
        step = session.step
        if session.flow != self.name or not step or not self.has_slot(step):
            return False
        named = self.slot(step).named_dangers
        if not kinds or not set(kinds) <= set(named):
            return False
        now_words: list[str] = texts().raw("urgent.event_now_words")
        return not said_now(text) and not any(word in text for word in now_words)

    def _clear(self, ctx: TurnContext, name: str) -> None:
        values = self.values(ctx)
        values.pop(name, None)
        self.on_cleared(ctx, name, values)

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        """The facts of the message that started the form ("我家三口人，想申请低保")."""
        return reading.facts_of(ctx)

    # -- the mechanism ------------------------------------------------------------
    def values(self, ctx: TurnContext) -> dict[str, Any]:
        return ctx.session.form.setdefault("values", {})

    def slot(self, name: str) -> Slot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(name)

    def has_slot(self, name: str) -> bool:
        return any(slot.name == name for slot in self.slots)

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        if not self.lookup:
            ctx.session.slots.pop(CANCELLED, None)  # a new form: the cancelled one is gone
        ctx.session.start_flow(self.name)
        values = self.values(ctx)
        values.update({k: v for k, v in self.prefill(ctx).items() if v is not None})
        ctx.session.form["asked"] = []
        replies = [ctx.say(self.intro)] if self.intro else []
        noted = self.take_facts(ctx, self.opening_facts(ctx), values, overwrite=False)
        told = ctx.session.slots.pop(HANDOFF_FACTS, None)
        if told:  # "六十三了 新桥河镇枫树村的" said to staff: not asked again
            noted += [
                s for s in self.take_facts(ctx, told, values, overwrite=False) if s not in noted
            ]
        replies += self._noted(ctx, noted)
        return replies + await self._advance(ctx)

    async def resume(self, ctx: TurnContext) -> list[BotReply]:
        return self._ask(ctx, ctx.session.step or "")

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        step = ctx.session.step
        if step == CONFIRM:
            return await self._on_confirm(ctx)
        if step == CHANGE:
            return await self._on_change(ctx)
        if step is None:
            return await self._advance(ctx)
        slot = self.slot(step)
        if slot.consent:
            return await self._on_consent(ctx, slot)
        return await self._on_answer(ctx, slot)

    async def back(self, ctx: TurnContext) -> list[BotReply]:
        asked: list[str] = ctx.session.form.setdefault("asked", [])
        values = self.values(ctx)
        current = ctx.session.step
        if current in (CONFIRM, CHANGE):
            previous = asked[-1] if asked else None
        else:
            previous = asked[-2] if len(asked) >= 2 else None
            if asked and asked[-1] == current:
                asked.pop()
        if previous is None:
            return [ctx.say("forms.first_question"), *self._ask(ctx, current or "")]
        if asked and asked[-1] == previous:
            asked.pop()
        values.pop(previous, None)
        self.on_cleared(ctx, previous, values)
        return self._ask(ctx, previous)

    def answered_here(self, ctx: TurnContext) -> bool:
        """At a money question an answer its reader reads ("一分钱都没得了 还倒欠" at the
        deposits: 0) is the answer, not an emergency (probeL 13) — money words are no
        danger; danger to life is still found first by the danger check."""
        step = ctx.session.step
        if ctx.payload is not None or step not in MONEY_QUESTIONS or not self.has_slot(step):
            return False
        return read_answer(self.slot(step), ctx, self.values(ctx)).value is not None

    def answers_itself(self, ctx: TurnContext) -> bool:
        """Whether this turn is a question about the current question, answered here
        rather than by a policy answer ("有高血压 算不算病" at the conditions)."""
        step = ctx.session.step
        if ctx.payload is not None or not step or not self.has_slot(step):
            return False
        slot = self.slot(step)
        return slot.about is not None and slot.about(ctx, self.values(ctx)) is not None

    async def _on_answer(self, ctx: TurnContext, slot: Slot) -> list[BotReply]:
        values = self.values(ctx)
        answer = slot.about(ctx, values) if slot.about and ctx.payload is None else None
        if answer is not None:
            if slot.about_keeps_answer and read_answer(slot, ctx, values).value is not None:
                return [BotReply(answer), *await self._take_answer(ctx, slot)]
            return [BotReply(answer), *self._ask(ctx, slot.name)]
        return await self._take_answer(ctx, slot)

    async def _take_answer(self, ctx: TurnContext, slot: Slot) -> list[BotReply]:
        values = self.values(ctx)
        found = read_answer(slot, ctx, values)
        overwrite = reading.is_correction(ctx.text)
        facts = _support_for_none(ctx, found.facts, values)
        taken = self.take_facts(ctx, facts, values, skip=slot.name, overwrite=overwrite)
        notes = self._noted(ctx, taken)
        value = found.value
        if value is None:
            if found.problem:
                return notes + self._reask(ctx, slot, found.problem)
            if notes:  # the answer said other things: kept, and the question asked again
                return notes + self._ask(ctx, slot.name)
            if slot.name in MONEY_QUESTIONS and overwrite:
                # "不对 刚才那个…说错了" at a money question: applied when it names an
                # answer, else how to change one — never "没看明白是多少钱"
                corrected = self._corrected_at_consent(ctx, values)
                told = corrected or [ctx.say("forms.correction_how")]
                return told + self._ask(ctx, slot.name)
            offer = self._offer_switch(ctx)
            if offer is not None:
                return [offer]
            return self._reask(ctx, slot, ctx.texts(slot.unclear))
        reason = slot.validate(value, values) if slot.validate else None
        if reason:
            return notes + self._reask(ctx, slot, reason)
        self._store(values, slot, value, found)
        ctx.session.form["tries"] = 0
        self.on_filled(ctx, slot, values)
        # said back with this answer in place ("上学：孙辈（9岁）" once the ages are in)
        return self._noted(ctx, taken) + await self._advance(ctx)

    def _store(self, values: dict[str, Any], slot: Slot, value: Any, found: Reading) -> None:
        values[slot.name] = value
        approx: dict[str, str] = values.setdefault("_approx", {})
        if found.approx:
            approx[slot.name] = found.approx
        else:
            approx.pop(slot.name, None)

    def take_facts(
        self,
        ctx: TurnContext,
        facts: dict[str, Any],
        values: dict[str, Any],
        *,
        skip: str = "",
        overwrite: bool = False,
    ) -> list[Slot]:
        """Fill every slot the facts give (see the module doc); the slots changed."""
        changed: list[Slot] = []
        approx = facts.get("approx") or {}
        corrects = set(facts.get("_corrects") or ())  # a reader says its answer corrects these
        for slot in self.slots:
            if slot.name == skip or slot.consent or slot.fact is None:
                continue
            refines = _refines(slot.from_facts(facts, values, True), values.get(slot.name))
            if (
                slot.name in values
                and not (overwrite or slot.name in corrects or refines)
                and not slot.merge
            ):
                continue
            value = slot.from_facts(facts, values, overwrite or refines)
            if value is None or values.get(slot.name) == value:
                continue
            if slot.validate and slot.validate(value, values):
                continue
            values[slot.name] = value
            key = slot.fact if isinstance(slot.fact, str) else slot.name
            rules: dict[str, str] = values.setdefault("_approx", {})
            if approx.get(key):
                rules[slot.name] = approx[key]
            else:
                rules.pop(slot.name, None)
            changed.append(slot)
            self.on_filled(ctx, slot, values)
        return changed

    def _applicable(self, facts: dict[str, Any], values: dict[str, Any]) -> bool:
        """Whether any slot would take a value from ``facts``."""
        for slot in self.slots:
            if slot.consent or slot.fact is None:
                continue
            value = slot.from_facts(facts, values, True)
            if value is not None and values.get(slot.name) != value:
                return True
        return False

    def _noted(self, ctx: TurnContext, slots: list[Slot]) -> list[BotReply]:
        """ "记下了：家庭人数 4人；年龄 52岁、50岁。" — what a message told beyond its question."""
        values = self.values(ctx)
        items = [
            ctx.texts(
                "forms.noted_item",
                label=self._label(ctx, slot),
                value=slot.display(values[slot.name], values),
            )
            for slot in slots
            if slot.label and slot.name in values
        ]
        return [ctx.say("forms.noted", items=items)] if items else []

    def _offer_switch(self, ctx: TurnContext) -> BotReply | None:
        """An answer that fits no question but clearly asks for something else
        ("查进度" while applying): offer that, or to carry on here."""
        intent = ctx.parse.intent
        if intent in self.intents or ctx.parse.confidence < SWITCH_CONFIDENCE:
            return None
        titles = {item["intent"]: item["title"] for item in ctx.texts.raw("menu.items")}
        if intent not in titles:
            return None
        buttons = (
            Button(titles[intent], f"/{intent}"),
            Button(ctx.texts("core.menu_continue"), "/continue"),
        )
        return BotReply(ctx.texts("forms.switch_offer", title=titles[intent]), buttons)

    async def _advance(self, ctx: TurnContext) -> list[BotReply]:
        values = self.values(ctx)
        for slot in self.slots:
            if not slot.asked or not slot.wanted(values):
                continue
            if slot.name in values:
                # An answer that no longer fits the others (ages for 3 when the household
                # is now 4) is asked again, with the reason.
                reason = slot.validate(values[slot.name], values) if slot.validate else None
                if reason:
                    values.pop(slot.name)
                    return [BotReply(reason), *self._ask(ctx, slot.name)]
                continue
            return self._ask(ctx, slot.name)
        if self.confirm:
            ctx.session.step = CONFIRM
            return [self._summary(ctx)]
        return await self._finish(ctx)

    def _ask(self, ctx: TurnContext, name: str) -> list[BotReply]:
        if name == CONFIRM:
            return [self._summary(ctx)]
        if name == CHANGE:
            return [self._change_menu(ctx)]
        slot = self.slot(name)
        ctx.session.step = name
        asked: list[str] = ctx.session.form.setdefault("asked", [])
        if not asked or asked[-1] != name:
            asked.append(name)
        extra = slot.question_values(self.values(ctx)) if slot.question_values else {}
        text = (self.questions or ctx.texts)(slot.question, **extra)
        buttons = choice_buttons(slot.options(self.values(ctx)))
        return [BotReply(text, buttons, dict(slot.hints))]

    def _reask(self, ctx: TurnContext, slot: Slot, reason: str) -> list[BotReply]:
        tries = int(ctx.session.form.get("tries", 0)) + 1
        ctx.session.form["tries"] = tries
        replies = [BotReply(reason)]
        if tries >= MAX_TRIES:
            replies.append(ctx.say("forms.too_many_tries"))
        return replies + self._ask(ctx, slot.name)

    # -- consents -----------------------------------------------------------------
    async def _on_consent(self, ctx: TurnContext, slot: Slot) -> list[BotReply]:
        """Recorded only on an explicit agreement; anything else is said back."""
        values = self.values(ctx)
        if ctx.payload == "/reread":
            return self._ask(ctx, slot.name)
        if ctx.payload == f"/{AGREE}":
            value = AGREE
        elif ctx.payload is not None:
            value = "refuse"
        else:
            if _for_someone_else(ctx):
                return [BotReply(ctx.texts("forms.consent_proxy")), *self._ask(ctx, slot.name)]
            if _drops(ctx):
                return [self._consent_drop(ctx, slot)]  # "这个低保我不要了": 取消 offered
            answer = consent_answer(ctx, slot.name)
            if answer is not None:  # "会不会要我还钱": answered; a question is never agreement
                return [BotReply(answer), self._consent_again(ctx, slot)]
            corrected = self._corrected_at_consent(ctx, values)
            if corrected:  # "收入不对…现在只有一千五": applied and said back, asked again
                return [*corrected, self._consent_again(ctx, slot)]
            value = reading.consent(ctx, values).value
            if value not in (AGREE, "refuse"):
                # "有个儿子在广东打工 自己都顾不到": a fact of the household, recorded and
                # said back; the consent asked again — neither agreement nor a refusal
                told = self.take_facts(ctx, reading.facts_of(ctx), values)
                if told:
                    return [*self._noted(ctx, told), self._consent_again(ctx, slot)]
        if value == AGREE:
            values[slot.name] = AGREE
            ctx.session.form["tries"] = 0
            self.on_filled(ctx, slot, values)
            return await self._advance(ctx)
        # "应该可以吧" is no refusal: the 同意 button stays for when they are sure (probeL 28)
        agree = () if value == "refuse" else choice_buttons(slot.choices)[:1]
        buttons = (
            *agree,
            Button(ctx.texts("forms.button_reread"), "/reread"),
            Button(ctx.texts("forms.button_person"), "/human_handoff"),
            Button(ctx.texts("forms.button_cancel"), "/cancel"),
        )
        text = (self.questions or ctx.texts)(
            slot.refused, refused=value == "refuse", **slot.label_values
        )
        if ctx.payload is None and _asks(
            ctx.text.replace(" ", ""), ctx.texts.raw("forms.consent_later_words")
        ):
            # "我要先跟娃儿他爸说一声 晚点再回你": not agreed, and the form waits — how to come back
            later = ctx.texts("forms.consent_later", title=slot.label_values.get("title", ""))
            text = f"{text.rstrip()}\n{later}"
        return [BotReply(text, buttons)]

    def _consent_drop(self, ctx: TurnContext, slot: Slot) -> BotReply:
        """ "这个低保我不要了" at a consent: nothing submitted yet, 取消 offered first; a
        doubt about a relative's car ("我儿子在城里有车 批不下来") answered too."""
        said = ctx.text.replace(" ", "")
        relatives, assets = ctx.texts.raw("manage.withdraw_doubt_words")
        doubt = any(w in said for w in relatives) and any(w in said for w in assets)
        text = ctx.texts("forms.consent_drop", title=slot.label_values.get("title", ""))
        if doubt:
            text = f"{ctx.texts('manage.household_answer').rstrip()}\n{text}"
        buttons = (
            Button(ctx.texts("forms.button_cancel"), "/cancel"),
            Button(ctx.texts("forms.button_reread"), "/reread"),
            Button(ctx.texts("forms.button_person"), "/human_handoff"),
        )
        return BotReply(text, buttons)

    def _consent_again(self, ctx: TurnContext, slot: Slot) -> BotReply:
        title = slot.label_values.get("title", "")
        buttons = (
            *choice_buttons(slot.choices),
            Button(ctx.texts("forms.button_reread"), "/reread"),
            Button(ctx.texts("forms.button_person"), "/human_handoff"),
        )
        return BotReply(ctx.texts("forms.consent_again", title=title), buttons)

    def _corrected_at_consent(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        """A correction of an answer typed at a consent ("我是说收入不对，一千八是以前的，
        现在只有一千五"): applied like one at the summary; the consent is not read from it."""
        if not reading.is_correction(ctx.text):
            return []
        moved, kept = self.correct_first(ctx, values)
        facts = {k: v for k, v in reading.facts_of(ctx).items() if k not in kept}
        changed = [self.slot(name) for name in moved]
        changed += [
            s for s in self.take_facts(ctx, facts, values, overwrite=True) if s.name not in moved
        ]
        return [
            ctx.say(
                "forms.corrected",
                label=self._label(ctx, slot) if slot.label else slot.name,
                value=slot.display(values[slot.name], values),
            )
            for slot in changed
            if slot.name in values
        ]

    # -- summary, confirm and change ----------------------------------------------
    def _label(self, ctx: TurnContext, slot: Slot) -> str:
        """The slot's label, rendered from the texts its question comes from."""
        return (self.questions or ctx.texts)(slot.label, **slot.label_values)

    def _shown(self, slot: Slot, values: dict[str, Any]) -> bool:
        return bool(slot.label) and slot.wanted(values) and (slot.asked or slot.name in values)

    def _summary(self, ctx: TurnContext) -> BotReply:
        values = self.values(ctx)
        lines = [ctx.texts("forms.summary_title")]
        for slot in self.slots:
            if self._shown(slot, values):
                shown = (
                    slot.display(values[slot.name], values)
                    if values.get(slot.name) is not None
                    else ctx.texts("forms.not_given")
                )
                label = self._label(ctx, slot)
                lines.append(ctx.texts("forms.summary_line", label=label, value=shown))
        lines.append(ctx.texts("forms.summary_ask"))
        return BotReply("\n".join(lines), choice_buttons(self._confirm_choices(ctx)))

    def _confirm_choices(self, ctx: TurnContext) -> tuple[Choice, ...]:
        return tuple(
            Choice(value, ctx.texts(f"forms.confirm_{value}"))
            for value in ("affirm", "change", "cancel")
        )

    async def _on_confirm(self, ctx: TurnContext) -> list[BotReply]:
        values = self.values(ctx)
        if ctx.payload == "/affirm":
            return await self._finish(ctx)
        if ctx.payload == "/change":
            return self._to_change(ctx)
        said = reading.confirm(ctx, values)
        if said.value == "yes" and ctx.payload is None:
            return await self._finish(ctx)
        if ctx.payload is None and _says_nothing(ctx):
            return [ctx.say("forms.nothing_to_change"), self._summary(ctx)]
        if said.value == "cancel":
            if _also_confirms(ctx) and not ctx.session.form.get("asked_cancel"):
                # "算了 就这样吧 确认": both said; asked once which is meant
                ctx.session.form["asked_cancel"] = True
                return [
                    ctx.say("forms.cancel_or_confirm", choice_buttons(self._confirm_choices(ctx)))
                ]
            return [BotReply(self.cancel(ctx))]
        return await self._correct(ctx, said.facts)

    def cancel(self, ctx: TurnContext) -> str:
        """取消: the answers are kept for one more turn, so 「恢复」 takes it back."""
        values = self.values(ctx)
        answered = any(not key.startswith("_") for key in values)
        if answered and not (self.lookup and CANCELLED in ctx.session.slots):
            ctx.session.slots[CANCELLED] = {
                "flow": self.name,
                "step": ctx.session.step,
                "form": copy.deepcopy(ctx.session.form),
                "at": utcnow().isoformat(),
                "turns": 0,
            }
        text = super().cancel(ctx)
        return f"{text}\n{ctx.texts('forms.restore_offer')}" if answered else text

    def restore(self, ctx: TurnContext, kept: dict[str, Any]) -> list[BotReply]:
        """The form as it was when it was cancelled, at the same question."""
        step = str(kept.get("step") or "")
        ctx.session.start_flow(self.name, step or None)
        ctx.session.form = copy.deepcopy(kept.get("form") or {})
        ctx.session.form.pop("asked_cancel", None)
        return [ctx.say("forms.restored"), *self._ask(ctx, step)]

    async def _correct(self, ctx: TurnContext, facts: dict[str, Any]) -> list[BotReply]:
        """Anything but a confirmation at the summary: apply what it says, or ask."""
        values = self.values(ctx)
        original = copy.deepcopy(values)
        moved, kept = self.correct_first(ctx, values)
        facts = {key: value for key, value in facts.items() if key not in kept}
        changed = [self.slot(name) for name in moved]
        before = copy.deepcopy(values)
        taken = [
            slot
            for slot in self.take_facts(ctx, facts, values, overwrite=True)
            if slot.name not in moved
        ]
        named = self._named_for_change(ctx)
        if named and facts.get("cleared"):
            # "不对 老伴高血压不算重病 收入也不对 …": a member taken off a condition is
            # said in its own words, a change named as plainly as the income is
            named |= {slot.name for slot in taken if slot.name == "conditions"}
        if named:
            # "…没错 是收入要改 他还有个残疾补贴七十块": only the field named changes; what
            # the rest of the sentence seems to say (a program, a grade) is put back
            after = copy.deepcopy(values)
            values.clear()
            values.update(before)
            taken = [slot for slot in taken if slot.name in named]
            # what ``correct_first`` moved is applied through the facts too
            for slot in [*taken, *(self.slot(name) for name in moved)]:
                if slot.name not in after:
                    values.pop(slot.name, None)
                    continue
                values[slot.name] = after[slot.name]
                rules: dict[str, str] = values.setdefault("_approx", {})
                if slot.name in after.get("_approx", {}):
                    rules[slot.name] = after["_approx"][slot.name]
                else:
                    rules.pop(slot.name, None)
                self.on_filled(ctx, slot, values)
        changed += taken
        if named and not changed:
            # "申请项目不对 要的是低保和医疗救助" when it already says so: said back
            same = [
                slot
                for slot in self.slots
                if slot.name in named
                and slot.fact is not None
                and slot.name in values
                and slot.from_facts(facts, values, True) == values[slot.name]
            ]
            if same:
                notes = [
                    ctx.say(
                        "forms.already_so",
                        label=self._label(ctx, slot) if slot.label else slot.name,
                        value=slot.display(values[slot.name], values),
                    )
                    for slot in same
                ]
                return [*notes, *await self._advance(ctx)]
        if changed:
            # "收入错了 是一千一百五" when it already says 1150: said back as it is
            unchanged = {
                slot.name
                for slot in changed
                if slot.name in original
                and slot.name in values
                # as shown: a condition's members are part of it ("重病：第2位")
                and slot.display(original[slot.name], original)
                == slot.display(values[slot.name], values)
            }
            notes = [
                ctx.say(
                    "forms.already_so" if slot.name in unchanged else "forms.corrected",
                    label=self._label(ctx, slot) if slot.label else slot.name,
                    value=slot.display(values[slot.name], values),
                )
                for slot in changed
                if slot.name in values
            ]
            return [*notes, *await self._advance(ctx)]
        if facts.get("cleared") and values.get("conditions") is not None:
            # "我没得重病" when 本人 was not marked ill: said back as it is, not asked again
            slot = self.slot("conditions")
            note = ctx.say(
                "forms.already_so",
                label=self._label(ctx, slot) if slot.label else slot.name,
                value=slot.display(values[slot.name], values),
            )
            return [note, *await self._advance(ctx)]
        named = self._named(ctx)
        if (
            named is not None
            and named.fact is not None
            and named.name in values
            and named.from_facts(facts, values, True) == values[named.name]
        ):
            # "洗肾是去年的事 这三个月没啥变故" when it already says 没有: said back, not asked
            note = ctx.say(
                "forms.already_so",
                label=self._label(ctx, named) if named.label else named.name,
                value=named.display(values[named.name], values),
            )
            return [note, *await self._advance(ctx)]
        if named is not None:
            self._clear(ctx, named.name)
            return [ctx.say("forms.change_this"), *self._ask(ctx, named.name)]
        return self._to_change(ctx)

    def _named_for_change(self, ctx: TurnContext) -> set[str]:
        """The answers a correction names next to a word of change ("是收入要改",
        "年龄搞错了", "申请项目不对", "改收入"); empty when it names none that way."""
        from nlu.finders.text import prepare

        text = prepare(ctx.text).text
        reach = int(ctx.texts.raw("forms.change_reach"))
        anchors = [
            (found.start(), found.end())
            for word in ctx.texts.raw("forms.change_anchors")
            for found in re.finditer(re.escape(prepare(word).text), text)
        ]
        named: set[str] = set()
        for slot in self.slots:
            if slot.consent:
                continue
            for word in slot.words:
                plain = prepare(word).text if word else ""
                for found in re.finditer(re.escape(plain), text) if plain else ():
                    if any(
                        0 <= start - found.end() <= reach or 0 <= found.start() - end <= reach
                        for start, end in anchors
                    ):
                        named.add(slot.name)
        return named

    def _named(self, ctx: TurnContext) -> Slot | None:
        """The one answer the message names by its label or words ("名字写错了")."""
        from nlu.finders.text import prepare

        text = prepare(ctx.text).text
        values = self.values(ctx)
        hits = [
            slot
            for slot in self.slots
            if self._shown(slot, values)
            and not slot.consent
            and any(word and prepare(word).text in text for word in slot.words)
        ]
        return hits[0] if len(hits) == 1 else None

    def _to_change(self, ctx: TurnContext) -> list[BotReply]:
        ctx.session.step = CHANGE
        return [self._change_menu(ctx)]

    def _changeable(self, ctx: TurnContext) -> tuple[Choice, ...]:
        values = self.values(ctx)
        return tuple(
            Choice(slot.name, self._label(ctx, slot), slot.words)
            for slot in self.slots
            if self._shown(slot, values) and not slot.consent
        )

    def _change_menu(self, ctx: TurnContext) -> BotReply:
        return BotReply(ctx.texts("forms.which_to_change"), choice_buttons(self._changeable(ctx)))

    async def _on_change(self, ctx: TurnContext) -> list[BotReply]:
        values = self.values(ctx)
        options = self._changeable(ctx)
        picked = reading.choice(options, ctx, values)
        if picked.value is None:
            if self._applicable(picked.facts, values):
                # "电话是139…" typed at the menu: the correction itself.
                return await self._correct(ctx, picked.facts)
            if ctx.payload is None and (
                _says_nothing(ctx) or reading.confirm(ctx, values).value == "yes"
            ):
                # "冇得要改的 都对", "没有要改的了": back to the summary's question
                ctx.session.step = CONFIRM
                return [ctx.say("forms.nothing_to_change"), self._summary(ctx)]
            return [ctx.say("forms.choose_one"), self._change_menu(ctx)]
        if ctx.payload is None:
            # "这次变故的花销改成50000": the answer named with its new value is the correction
            slot = self.slot(str(picked.value))
            facts = reading.facts_of(ctx)
            if slot.fact is not None and slot.from_facts(facts, values, True) is not None:
                ctx.session.step = CONFIRM
                return await self._correct(ctx, facts)
        self._clear(ctx, str(picked.value))
        return self._ask(ctx, str(picked.value))

    async def _finish(self, ctx: TurnContext) -> list[BotReply]:
        values = dict(self.values(ctx))
        ctx.session.end_flow()
        return await self.submit(ctx, values)


def _support_for_none(
    ctx: TurnContext, facts: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    """ "我系佢个女…每个月俾佢五百蚊" after "冇乜收入" (income 0): money a relative gives
    every month is income after all — it replaces the 0 without being a correction."""
    income = facts.get("monthly_income")
    if values.get("monthly_income") != 0 or not income or income == values.get("monthly_income"):
        return facts
    words: list[str] = ctx.texts.raw("forms.support_words")
    if not any(word in ctx.text for word in words):
        return facts
    return {**facts, "_corrects": [*(facts.get("_corrects") or ()), "monthly_income"]}


def _refines(value: Any, earlier: Any) -> bool:
    """Whether ``value`` narrows an earlier range answer ("几百块", then "儿子给的大概三四百"
    at another question): a number inside the range, or a narrower range, replaces it
    without being a correction. Anything outside it is kept for a correction."""
    if not isinstance(earlier, dict) or not {"min", "max"} <= set(earlier):
        return False
    low, high = float(earlier["min"]), float(earlier["max"])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return low <= float(value) <= high
    if isinstance(value, dict) and {"min", "max"} <= set(value) and value != earlier:
        return low <= float(value["min"]) and float(value["max"]) <= high
    return False


def _also_confirms(ctx: TurnContext) -> bool:
    """Whether a message read as a cancel also confirms in a clause of its own."""
    from nlu.answers import read_confirm
    from nlu.finders.text import prepare

    clauses = [part for part in re.split(r"[,.;!?]", prepare(ctx.text).text) if part]
    return len(clauses) > 1 and any(read_confirm(part).value == "yes" for part in clauses)


def _drops(ctx: TurnContext) -> bool:
    """ "这个低保我不要了", "那个申请我要撤掉": not wanting the application at all ("不撤 继续办"
    is no such wish)."""
    said = ctx.text.replace(" ", "")
    if _asks(said, ctx.texts.raw("manage.keep_words")):
        return False
    return _asks(said, ctx.texts.raw("forms.consent_drop_words"))


def _asks(text: str, words: list[str]) -> bool:
    return any(word in text for word in words)


def consent_answer(ctx: TurnContext, consent: str) -> str | None:
    """The answer to a question asked at a consent ("会不会要我还钱", "工资有变化要报告吗",
    "要我按手印吗", "查存款是查我崽的也查？"): the first topic of
    ``forms.consent_questions`` whose words the question holds, for this consent or for
    all. None when the message asks nothing, or nothing known."""
    from nlu.finders.text import prepare

    text = prepare(ctx.text).text
    if not _asks(text, [prepare(w).text for w in ctx.texts.raw("forms.consent_question_words")]):
        return None
    for topic in ctx.texts.raw("forms.consent_questions"):
        only = topic.get("only") or [consent]
        if consent not in ([only] if isinstance(only, str) else only):
            continue
        if _asks(text, [prepare(str(w)).text for w in topic["words"]]):
            return str(topic["answer"]).strip()
    return None


def _for_someone_else(ctx: TurnContext) -> bool:
    """ "我替他同意行不行": agreeing to a consent for another person."""
    from nlu.finders.text import prepare

    text = prepare(ctx.text).text
    words: list[str] = ctx.texts.raw("forms.consent_proxy_words")
    return any(prepare(word).text in text for word in words)


def wants_restore(ctx: TurnContext, just_cancelled: bool = True) -> bool:
    """ "恢复", "我刚才填的还在不": the resident wants the cancelled form back; "啊 怎么取消了
    我是说确认" takes back the cancel only on the turn right after it."""
    from nlu.finders.text import prepare

    text = prepare(ctx.text).text
    words: list[str] = list(ctx.texts.raw("forms.resume_words"))
    if just_cancelled:
        words += ctx.texts.raw("forms.restore_words")
    return ctx.payload == "/restore" or any(prepare(word).text in text for word in words)


def restore_cancelled(
    ctx: TurnContext, flows: Mapping[str, Flow], *, asked: bool
) -> list[BotReply] | None:
    """An idle turn after a form was cancelled: 「恢复」 (``asked``: the command) or words
    asking for it back restore it. It is kept for ``KEEP_CANCELLED_TURNS`` idle turns and
    ``KEEP_CANCELLED_HOURS`` hours, or until a new form starts. None: nothing done."""
    kept = ctx.session.slots.get(CANCELLED)
    if not isinstance(kept, dict):
        return None
    turns = int(kept.get("turns") or 0)
    if not (asked or wants_restore(ctx, just_cancelled=turns == 0)):
        kept["turns"] = turns + 1
        if kept["turns"] > KEEP_CANCELLED_TURNS or _cancelled_long_ago(kept):
            ctx.session.slots.pop(CANCELLED, None)
        return None
    ctx.session.slots.pop(CANCELLED, None)
    if _cancelled_long_ago(kept):
        return None
    flow = flows.get(str(kept.get("flow")))
    if not isinstance(flow, Form):
        return None
    return flow.restore(ctx, kept)


def _cancelled_long_ago(kept: dict[str, Any]) -> bool:
    try:
        at = datetime.fromisoformat(str(kept.get("at")))
    except ValueError:
        return False  # kept before the time was stored
    return utcnow() - at > timedelta(hours=KEEP_CANCELLED_HOURS)


def _says_nothing(ctx: TurnContext) -> bool:
    """ "莫得", "没有": nothing (to change), said alone."""
    from nlu.finders.text import prepare

    body = prepare(ctx.text).text.strip(" ,.!?~的了啊呀哦嘛")
    words: list[str] = ctx.texts.raw("forms.nothing_words")
    return bool(body) and body in {prepare(word).text for word in words}
