"""The form mechanism every flow is built on.

A form declares its slots by name; each slot has a question (a reply-text key), an
extractor that reads a value out of an answer, and a validator that explains what
is wrong. The current step is the slot's name (or ``confirm``/``change``), so a
session read in a debugger or in Redis says plainly where the user is.

Global commands (取消, 返回, 菜单, 转人工) are handled by the engine before a form
sees the answer; ``back`` is implemented here.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from base.messages import BotReply, Button
from flows.base import Flow, TurnContext
from flows.texts import Texts

CONFIRM = "confirm"
CHANGE = "change"
MAX_TRIES = 3
SWITCH_CONFIDENCE = 0.9  # an unfitting answer this sure of another intent offers to switch

# "不对，是四口人", "改成…", "应该是…": a later answer may overwrite an earlier one.
CORRECTION = re.compile(r"不对|不是|错了|改成|改为|更正|应该是|说错")


@dataclass(frozen=True)
class Choice:
    value: str
    title: str
    synonyms: tuple[str, ...] = ()

    @property
    def payload(self) -> str:
        return f"/{self.value}"


@dataclass(frozen=True)
class Slot:
    """One question of a form.

    ``question`` and ``label`` are reply-text keys, looked up in the same ``Texts``:
    the form's ``questions`` when it has its own (the tests' demo form keeps both in
    ``tests/support/texts/``), else ``flows/texts`` (labels in ``labels.yml``). The
    label names the answer in the summary, the change menu and a correction; a slot
    without one is left out of them. ``label_values`` fill the label's template
    (a consent's title). ``show`` says how a value reads (usually a ``labels.show_*``
    template).
    """

    name: str
    question: str  # reply-text key
    label: str = ""  # reply-text key naming the answer in the summary
    label_values: dict[str, Any] = field(default_factory=dict)
    extract: Callable[[TurnContext], Any] | None = None  # value, or None when not found
    # The reason a value is refused (it sees the other answers too), or None.
    validate: Callable[[Any, dict[str, Any]], str | None] | None = None
    choices: tuple[Choice, ...] = ()
    # Choices that depend on earlier answers (the villages of the chosen township).
    choices_for: Callable[[dict[str, Any]], tuple[Choice, ...]] | None = None
    ask_if: Callable[[dict[str, Any]], bool] | None = None  # ask only when this holds
    eager: bool = False  # also filled from answers to other questions …
    eager_extract: Callable[[TurnContext], Any] | None = None  # … with this, if not `extract`
    show: Callable[[Any], str] | None = None  # how the value reads in the summary
    question_values: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    hints: dict[str, Any] = field(default_factory=dict)  # e.g. {"request_phone": True}
    unclear: str = "forms.not_understood"  # reply-text key said when no value was found

    def wanted(self, values: dict[str, Any]) -> bool:
        return self.ask_if is None or self.ask_if(values)

    def options(self, values: dict[str, Any]) -> tuple[Choice, ...]:
        return self.choices_for(values) if self.choices_for is not None else self.choices

    def display(self, value: Any) -> str:
        if self.show is not None:
            return self.show(value)
        for choice in self.choices:
            if choice.value == value:
                return choice.title
        return str(value)


def choices_from(items: Iterable[Mapping[str, Any]]) -> tuple[Choice, ...]:
    """Choices from a YAML list of ``{value, title, words}`` (``words`` may be left out)."""
    return tuple(
        Choice(str(item["value"]), item["title"], tuple(item.get("words", ()))) for item in items
    )


def match_choice(choices: tuple[Choice, ...], ctx: TurnContext) -> Choice | None:
    """Typing the number, the title (or a synonym) or sending the payload chooses it."""
    if ctx.payload is not None:
        for choice in choices:
            if choice.payload == ctx.payload:
                return choice
    answer = ctx.parse.normalized or ctx.text
    answer = answer.strip().strip("。.!！?？ ")
    if answer.isdigit() and 1 <= int(answer) <= len(choices):
        return choices[int(answer) - 1]
    for choice in choices:
        if answer in (choice.title, choice.value, *choice.synonyms):
            return choice
    # A longer sentence that names exactly one choice ("我住在农村") chooses it.
    named = [c for c in choices if any(w and w in answer for w in (c.title, *c.synonyms))]
    return named[0] if len(named) == 1 else None


def choice_buttons(choices: tuple[Choice, ...]) -> tuple[Button, ...]:
    return tuple(Button(choice.title, choice.payload) for choice in choices)


class Form(Flow):
    """A flow that fills named slots, confirms a summary and submits."""

    slots: ClassVar[tuple[Slot, ...]] = ()
    confirm: ClassVar[bool] = True
    intro: ClassVar[str | None] = None  # reply-text key said once at the start
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

    # -- the mechanism ------------------------------------------------------------
    def values(self, ctx: TurnContext) -> dict[str, Any]:
        return ctx.session.form.setdefault("values", {})

    def slot(self, name: str) -> Slot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(name)

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        ctx.session.start_flow(self.name)
        values = self.values(ctx)
        values.update({k: v for k, v in self.prefill(ctx).items() if v is not None})
        ctx.session.form["asked"] = []
        replies = [ctx.say(self.intro)] if self.intro else []
        # The opening message may already carry facts ("我家三口人，想申请低保").
        self._fill_eager(ctx, values, overwrite=False)
        return replies + await self._advance(ctx)

    async def resume(self, ctx: TurnContext) -> list[BotReply]:
        return self._ask(ctx, ctx.session.step or "")

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        step = ctx.session.step
        if step == CONFIRM:
            return await self._on_confirm(ctx)
        if step == CHANGE:
            return self._on_change(ctx)
        if step is None:
            return await self._advance(ctx)
        return await self._on_answer(ctx, self.slot(step))

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
        return self._ask(ctx, previous)

    async def _on_answer(self, ctx: TurnContext, slot: Slot) -> list[BotReply]:
        values = self.values(ctx)
        value = self._read(ctx, slot)
        if value is None:
            offer = self._offer_switch(ctx)
            if offer is not None:
                return [offer]
            return self._reask(ctx, slot, ctx.texts(slot.unclear))
        reason = slot.validate(value, values) if slot.validate else None
        if reason:
            return self._reask(ctx, slot, reason)
        values[slot.name] = value
        ctx.session.form["tries"] = 0
        self.on_filled(ctx, slot, values)
        self._fill_eager(ctx, values, overwrite=False, skip=slot.name)
        return await self._advance(ctx)

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

    def _read(self, ctx: TurnContext, slot: Slot) -> Any:
        options = slot.options(self.values(ctx))
        if options:
            choice = match_choice(options, ctx)
            if choice is not None:
                return choice.value
            # A name the choices do not list as typed ("五包", "低包") that the NLU read
            # as exactly one of them (an entity of the slot's kind): that one.
            allowed = {option.value for option in options}
            named = {v for v in ctx.parse.all(slot.name) if v in allowed}
            if len(named) == 1:
                return named.pop()
        if slot.extract is not None:
            return slot.extract(ctx)
        if options:
            return None
        return ctx.text.strip() or None

    def _fill_eager(
        self, ctx: TurnContext, values: dict[str, Any], *, overwrite: bool, skip: str = ""
    ) -> list[tuple[Slot, Any]]:
        """Take every fact the answer carries, not only the one asked for."""
        overwrite = overwrite or bool(CORRECTION.search(ctx.text))
        changed: list[tuple[Slot, Any]] = []
        for slot in self.slots:
            extract = slot.eager_extract or slot.extract
            if not slot.eager or slot.name == skip or extract is None:
                continue
            if slot.name in values and not overwrite:
                continue
            value = extract(ctx)
            if value is None or (slot.validate and slot.validate(value, values)):
                continue
            if values.get(slot.name) != value:
                values[slot.name] = value
                changed.append((slot, value))
        return changed

    async def _advance(self, ctx: TurnContext) -> list[BotReply]:
        values = self.values(ctx)
        for slot in self.slots:
            if slot.name not in values and slot.wanted(values):
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

    # -- summary, confirm and change ----------------------------------------------
    def _label(self, ctx: TurnContext, slot: Slot) -> str:
        """The slot's label, rendered from the texts its question comes from."""
        return (self.questions or ctx.texts)(slot.label, **slot.label_values)

    def _summary(self, ctx: TurnContext) -> BotReply:
        values = self.values(ctx)
        lines = [ctx.texts("forms.summary_title")]
        for slot in self.slots:
            if slot.label and slot.wanted(values):
                shown = (
                    slot.display(values[slot.name])
                    if values.get(slot.name) is not None
                    else ctx.texts("forms.not_given")
                )
                label = self._label(ctx, slot)
                lines.append(ctx.texts("forms.summary_line", label=label, value=shown))
        lines.append(ctx.texts("forms.summary_ask"))
        return BotReply("\n".join(lines), choice_buttons(self._confirm_choices(ctx)))

    def _confirm_choices(self, ctx: TurnContext) -> tuple[Choice, ...]:
        return tuple(
            Choice(value, ctx.texts(f"forms.confirm_{value}"), tuple(words))
            for value, words in ctx.texts.raw("forms.confirm_words").items()
        )

    async def _on_confirm(self, ctx: TurnContext) -> list[BotReply]:
        values = self.values(ctx)
        # "不对，是四口人": a correction typed at the summary is applied straight away.
        corrected = self._fill_eager(ctx, values, overwrite=True)
        if corrected:
            notes = [
                ctx.say(
                    "forms.corrected",
                    label=self._label(ctx, slot) if slot.label else slot.name,
                    value=slot.display(v),
                )
                for slot, v in corrected
            ]
            return [*notes, self._summary(ctx)]
        choice = match_choice(self._confirm_choices(ctx), ctx)
        if choice is None and ctx.parse.intent in ("affirm", "deny"):
            choice = Choice("affirm" if ctx.parse.intent == "affirm" else "change", "")
        if choice is None:
            return [ctx.say("forms.choose_one"), self._summary(ctx)]
        if choice.value == "affirm":
            return await self._finish(ctx)
        if choice.value == "cancel":
            ctx.session.end_flow()
            return [ctx.say("core.cancelled")]
        ctx.session.step = CHANGE
        return [self._change_menu(ctx)]

    def _changeable(self, ctx: TurnContext) -> tuple[Choice, ...]:
        values = self.values(ctx)
        return tuple(
            Choice(slot.name, self._label(ctx, slot))
            for slot in self.slots
            if slot.label and slot.wanted(values)
        )

    def _change_menu(self, ctx: TurnContext) -> BotReply:
        return BotReply(ctx.texts("forms.which_to_change"), choice_buttons(self._changeable(ctx)))

    def _on_change(self, ctx: TurnContext) -> list[BotReply]:
        choice = match_choice(self._changeable(ctx), ctx)
        if choice is None:
            return [ctx.say("forms.choose_one"), self._change_menu(ctx)]
        self.values(ctx).pop(choice.value, None)
        return self._ask(ctx, choice.value)

    async def _finish(self, ctx: TurnContext) -> list[BotReply]:
        values = dict(self.values(ctx))
        ctx.session.end_flow()
        return await self.submit(ctx, values)
