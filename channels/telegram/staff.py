"""The staff group: new requests posted with buttons, and what a press does.

Every new request from the outbox (sink ``staff:telegram``) is posted to
``TELEGRAM_STAFF_CHAT_ID`` with its masked summary (🚨 first when urgent) and three
buttons — 受理 / 查看 / 指派给我 — whose callback data name the case
(``staff:accept:JZ20261123-0007``). Other staff notifications (transitions, deadline
extensions) are posted as plain messages. A press acts *as the presser*: the Telegram
user must be bound to a staff account (``/bind``) whose region covers the case, or the
press is refused in the callback answer. Each press is a step of the staff desk
(``services.desk``, which checks the region rule): 受理 moves the case (application →
accepted, other kinds → in_progress); 查看 sends the case detail to the presser's private
chat; 指派给我 records the presser as the assignee.

A hand-off is a conversation: what the resident writes is posted here as it comes
(【转人工·居民留言】 with the case number); a bound staff member answers by *replying* to
that message (or to any message naming the case), and the answer goes to the resident's
chat (``services.handoff``), in the staff member's name.

The other steps are commands in the staff group, each acting as the bound sender:

* ``/note <案件号> <内容>`` — an internal note in the case's history, never sent;
* ``/msg <案件号> <内容>`` — a message to the applicant;
* ``/reject <案件号> <理由>`` — 不予受理 (已提交) or 不予批准 (入户核实、审核确认, or 公示
  with an objection that holds), the reason told to the applicant with how to ask for a
  review;
* ``/objection <案件号> <异议内容>`` — an objection during 公示: back to 入户核实;
* ``/approve <案件号> <项目> <每月金额> <开始月份>`` — e.g. ``/approve JZ20261123-0007 低保
  1172 2027-01`` (refused until the 7 days of 公示 have ended, with the date);
* ``/step <案件号> <状态>`` — any other step (the 查看 detail has these as buttons).

Nothing reaches the applicant at once: the bot answers with the text the applicant will
read, word for word, and 确认发送 / 取消 buttons. The preview ends with the command
itself, and 确认发送 carries that command out (so a confirmation survives a restart and
needs no state in the process).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler, filters

from backend.clock import CHINA
from backend.errors import BackendError, InvalidInput, NotFound
from backend.outbox import Delivery
from backend.programs import program_name, resolve_program
from backend.schemas import Approval, StaffPublic, TransitionRequest
from channels.texts import channel_text
from services.access import NotAllowed
from services.desk import Desk, new_case_alert

if TYPE_CHECKING:
    from telegram.ext import Application, ContextTypes

    from base.settings import Settings
    from services.container import Services

log = logging.getLogger(__name__)

ACTIONS = ("accept", "view", "assign")
CONFIRM = ("ok", "no")  # 确认发送 / 取消 under a preview
STEP = "to-"  # staff:to-investigating:JZ… — a step button of the 查看 detail
COMMANDS = ("note", "msg", "reject", "objection", "approve", "step")
COMMAND_LINE = "命令："  # the preview's last line: the command 确认发送 carries out
_COMMAND = re.compile(r"^/(\w+)(?:@\w+)?\s+(\S+)(?:\s+(.*))?$", re.DOTALL)
MESSAGE_LIMIT = 1000  # characters of what staff type (a preview must fit one message)


@dataclass(frozen=True)
class Command:
    """A staff command: its name, the case, and what follows."""

    name: str
    case_no: str
    rest: str

    @property
    def line(self) -> str:
        return f"/{self.name} {self.case_no} {self.rest}".strip()


def parse_command(text: str) -> Command | None:
    found = _COMMAND.match(text.strip())
    if not found or found.group(1) not in COMMANDS:
        return None
    return Command(found.group(1), found.group(2).upper(), (found.group(3) or "").strip())


def approval_of(rest: str) -> Approval:
    """``低保 1172 2027-01`` (programs joined by 、 or ,) → the approval's details."""
    parts = rest.split(maxsplit=3)
    if len(parts) < 3:
        raise InvalidInput(channel_text("telegram.approve_usage"))
    names, amount, month = parts[:3]
    programs = [resolve_program(name) for name in re.split(r"[、,，+]", names) if name]
    if not programs or None in programs:
        raise InvalidInput(channel_text("telegram.unknown_program", programs=names))
    try:
        return Approval(
            programs=[p for p in programs if p],
            monthly_amount=float(amount.removesuffix("元")),
            start_month=month,
        )
    except (ValueError, ValidationError):
        raise InvalidInput(channel_text("telegram.approve_usage")) from None


def request_of(command: Command) -> TransitionRequest:
    """The step a command asks for."""
    name, rest = command.name, command.rest
    if len(rest) > MESSAGE_LIMIT:
        raise InvalidInput(channel_text("telegram.too_long", limit=MESSAGE_LIMIT))
    if name == "reject":
        return TransitionRequest(to="rejected", reason=rest)
    if name == "objection":
        return TransitionRequest(to="investigating", reason=rest)
    if name == "approve":
        approval = approval_of(rest)
        extra = rest.split(maxsplit=3)[3:] or [""]
        return TransitionRequest(to="approved", approval=approval, message=extra[0])
    to, _, words = rest.partition(" ")
    if not to:
        raise InvalidInput(channel_text("telegram.step_usage"))
    return TransitionRequest(to=to, message=words.strip())


def staff_keyboard(case_no: str) -> InlineKeyboardMarkup:
    say = channel_text
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    say(f"telegram.staff_{action}"), callback_data=f"staff:{action}:{case_no}"
                )
                for action in ACTIONS
            ]
        ]
    )


def _without(markup: Any, pressed: str) -> InlineKeyboardMarkup | None:
    """The message's keyboard without the pressed button (None when nothing is left)."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    rows = [
        [button for button in row if button.callback_data != pressed]
        for row in markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


class StaffChannel(Protocol):
    """What the desk needs of the Telegram channel (``channels.telegram.bot``), which
    builds the desk: the desk never imports it back."""

    services: Services
    settings: Settings
    application: Application[Any, Any, Any, Any, Any, Any]

    @property
    def bot(self) -> Any: ...

    async def ready(self) -> None: ...


class StaffDesk:
    def __init__(self, channel: StaffChannel) -> None:
        self.channel = channel
        self.services = channel.services
        # Commands in a group (the staff group is checked in ``on_command``); the
        # resident-side handlers take private chats only.
        groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
        channel.application.add_handler(
            CommandHandler(list(COMMANDS), self.on_command, filters=groups)
        )

    @property
    def chat_id(self) -> int | str:
        raw = str(self.channel.settings.telegram_staff_chat_id or "").strip()
        return int(raw) if raw.lstrip("-").isdigit() else raw

    # -- the outbox sink -------------------------------------------------------------------
    async def post(self, delivery: Delivery) -> None:
        await self.channel.ready()
        text = delivery.text
        priority = delivery.payload.get("priority")
        if priority == "life":
            text = f"{channel_text('telegram.life_mark')} {text}"
        elif priority == "urgent":
            text = f"{channel_text('telegram.urgent_mark')} {text}"
        markup = None
        case_no = new_case_alert(delivery.case_no, delivery.key, delivery.payload)
        if case_no is not None:
            markup = staff_keyboard(case_no)
        await self.channel.bot.send_message(chat_id=self.chat_id, text=text, reply_markup=markup)

    # -- answers in a hand-off conversation -----------------------------------------------------
    def reply_filter(self) -> filters.BaseFilter:
        """A text message in the staff group replying to another message."""
        return filters.Chat(chat_id=self.chat_id) & filters.REPLY & filters.TEXT

    async def on_reply(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None or message.reply_to_message is None:
            return
        quoted = message.reply_to_message.text or ""
        say = channel_text
        handoffs = self.services.handoffs
        try:
            staff, case_no = await self.services.run(
                handoffs.reply_from_chat, "telegram", str(user.id), quoted, message.text or ""
            )
        except BackendError as exc:
            await message.reply_text(exc.message)
            return
        if staff is None:
            await message.reply_text(say("telegram.not_staff"))
        elif case_no is not None:
            await message.reply_text(say("telegram.answer_sent", case_no=case_no))

    # -- button presses -------------------------------------------------------------------
    @property
    def desk(self) -> Desk:
        return self.services.desk  # type: ignore[no-any-return]

    async def on_press(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or not query.data:
            return
        say = channel_text
        parts = query.data.split(":", 2)
        known = len(parts) == 3 and (
            parts[1] in ACTIONS or parts[1] in CONFIRM or parts[1].startswith(STEP)
        )
        if not known:
            await query.answer(say("telegram.stale_button"))
            return
        action, case_no = parts[1], parts[2]
        desk = self.desk
        staff = await self.services.run(desk.staff_for_chat, "telegram", str(query.from_user.id))
        if staff is None:
            await query.answer(say("telegram.not_staff"), show_alert=True)
            return
        try:
            await self.services.run(desk.case, staff, case_no)
        except NotFound:
            await query.answer(say("telegram.not_found", case_no=case_no), show_alert=True)
            return
        except NotAllowed:
            await query.answer(say("telegram.other_region", region=staff.region), show_alert=True)
            return
        if action in CONFIRM:
            await self._confirm(query, staff, case_no, action == "ok")
            return
        if action.startswith(STEP):
            command = Command("step", case_no, action.removeprefix(STEP))
            answer = await self._preview(staff, command, _chat_of(query, query.from_user.id))
            await query.answer(answer.text, show_alert=not answer.done)
            return
        if action == "accept":
            answer = await self._accept(staff, case_no)
        elif action == "assign":
            answer = await self._assign(staff, case_no)
        else:
            answer = await self._view(staff, case_no, query.from_user.id)
        await query.answer(answer.text, show_alert=not answer.done)
        if answer.done and action != "view" and isinstance(query.message, Message):
            try:
                await query.message.edit_reply_markup(
                    reply_markup=_without(query.message.reply_markup, query.data)
                )
            except BadRequest as exc:
                log.debug("could not update the staff buttons: %s", exc)

    async def _accept(self, staff: StaffPublic, case_no: str) -> _Answer:
        say = channel_text
        note = say("telegram.accept_note", staff=staff.name)
        outcome = await self.services.run(self.desk.accept, staff, case_no, note)
        if outcome.result == "cannot_accept":
            return _Answer(
                say("telegram.cannot_accept", case_no=case_no, stage=outcome.stage), False
            )
        if outcome.result == "taken":  # someone else was quicker
            return _Answer(outcome.message, False)
        return _Answer(say("telegram.accepted", case_no=case_no, staff=staff.name), True)

    async def _assign(self, staff: StaffPublic, case_no: str) -> _Answer:
        say = channel_text
        note = say("telegram.assign_note", staff=staff.name)
        try:
            await self.services.run(self.desk.assign_to_me, staff, case_no, note)
        except NotFound:
            return _Answer(say("telegram.not_found", case_no=case_no), False)
        return _Answer(say("telegram.assigned", case_no=case_no, staff=staff.name), True)

    async def _view(self, staff: StaffPublic, case_no: str, user_id: int) -> _Answer:
        say = channel_text
        desk = self.desk
        detail = await self.services.run(desk.detail, staff, case_no)
        text = say(
            "telegram.detail",
            case=detail,
            programs=[program_name(p) for p in detail.programs],
            created=detail.created_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
            allowed=[desk.stage_label(s) for s in detail.allowed_transitions],
            commands=_commands(detail.case_no, detail.allowed_transitions, detail.reasons_needed),
        )
        plain = [
            to
            for to in detail.allowed_transitions
            if to not in detail.reasons_needed and to not in ("approved", "withdrawn")
        ]
        markup = None
        if plain:
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            say("telegram.step_button", stage=desk.stage_label(to)),
                            callback_data=f"staff:{STEP}{to}:{detail.case_no}",
                        )
                    ]
                    for to in plain
                ]
            )
        try:
            await self.channel.bot.send_message(chat_id=user_id, text=text, reply_markup=markup)
        except (Forbidden, BadRequest):
            return _Answer(say("telegram.detail_blocked"), False)
        return _Answer(say("telegram.detail_sent"), True)

    # -- commands and their previews ----------------------------------------------------
    async def on_command(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        if str(message.chat_id) != str(self.chat_id):
            return  # another group: not the staff desk
        say = channel_text
        command = parse_command(message.text)
        if command is None:
            await message.reply_text(say("telegram.command_usage"))
            return
        desk = self.desk
        staff = await self.services.run(desk.staff_for_chat, "telegram", str(user.id))
        if staff is None:
            await message.reply_text(say("telegram.not_staff"))
            return
        if command.name == "note":
            answer = await self._note(staff, command)
        else:
            answer = await self._preview(staff, command, message.chat_id)
        if not answer.done or command.name == "note":
            await message.reply_text(answer.text)

    async def _note(self, staff: StaffPublic, command: Command) -> _Answer:
        say = channel_text
        try:
            await self.services.run(self.desk.note, staff, command.case_no, command.rest)
        except BackendError as exc:
            return _Answer(exc.message, False)
        return _Answer(say("telegram.note_added", case_no=command.case_no), True)

    async def _preview(self, staff: StaffPublic, command: Command, chat_id: int | str) -> _Answer:
        """Post what the applicant will read, with 确认发送 / 取消; nothing is sent yet."""
        say = channel_text
        desk = self.desk
        try:
            case = await self.services.run(desk.case, staff, command.case_no)
            if command.name == "msg":
                if len(command.rest) > MESSAGE_LIMIT:
                    raise InvalidInput(say("telegram.too_long", limit=MESSAGE_LIMIT))
                shown = await self.services.run(
                    desk.preview_message, staff, case.case_no, command.rest
                )
                resident_text, reaches, what = shown.resident_text, shown.reaches_resident, ""
            else:
                request = request_of(command)
                preview = await self.services.run(desk.preview, staff, case.case_no, request)
                resident_text, reaches, what = (
                    preview.resident_text,
                    preview.reaches_resident,
                    preview.stage,
                )
        except NotFound:
            return _Answer(say("telegram.not_found", case_no=command.case_no), False)
        except BackendError as exc:
            return _Answer(exc.message, False)
        text = say(
            "telegram.preview",
            case_no=case.case_no,
            stage=what,
            text=resident_text,
            reaches=reaches,
            command=COMMAND_LINE + command.line,
        )
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        say("telegram.confirm_send"), callback_data=f"staff:ok:{case.case_no}"
                    ),
                    InlineKeyboardButton(
                        say("telegram.confirm_drop"), callback_data=f"staff:no:{case.case_no}"
                    ),
                ]
            ]
        )
        await self.channel.bot.send_message(chat_id=chat_id, text=text, reply_markup=keyboard)
        return _Answer(say("telegram.preview_posted"), True)

    async def _confirm(self, query: Any, staff: StaffPublic, case_no: str, send: bool) -> None:
        """确认发送 carries out the command the preview ends with; 取消 drops it."""
        say = channel_text
        message = query.message if isinstance(query.message, Message) else None
        lines = (message.text or "").splitlines() if message else []
        line = next((x for x in reversed(lines) if x.startswith(COMMAND_LINE)), "")
        command = parse_command(line.removeprefix(COMMAND_LINE))
        if message is None or command is None or command.case_no != case_no:
            await query.answer(say("telegram.stale_button"))
            return
        if not send:
            await query.answer(say("telegram.dropped"))
            await self._close(message, say("telegram.dropped"))
            return
        desk = self.desk
        try:
            if command.name == "msg":
                await self.services.run(desk.message, staff, case_no, command.rest)
                done = say("telegram.message_sent", case_no=case_no)
            else:
                request = request_of(command)
                moved = await self.services.run(desk.transition, staff, case_no, request)
                done = say("telegram.step_done", case_no=case_no, stage=moved.stage)
        except BackendError as exc:
            await query.answer(exc.message, show_alert=True)
            return
        await query.answer(done)
        await self._close(message, done + say("telegram.by", staff=staff.name))

    async def _close(self, message: Message, outcome: str) -> None:
        """The preview keeps its text, loses its buttons and says what became of it."""
        try:
            await message.edit_text(f"{message.text}\n\n{outcome}", reply_markup=None)
        except BadRequest as exc:
            log.debug("could not close the preview: %s", exc)


def _chat_of(query: Any, fallback: int) -> int:
    message = query.message
    return int(message.chat.id) if isinstance(message, Message) else fallback


def _commands(case_no: str, allowed: list[str], reasons: dict[str, str]) -> list[str]:
    """The commands that carry the steps needing words (reasons, an approval's details)."""
    say = channel_text
    found: list[str] = []
    for to in allowed:
        if to == "approved":
            found.append(say("telegram.hint_approve", case_no=case_no))
        elif to == "rejected":
            found.append(say("telegram.hint_reject", case_no=case_no, label=reasons.get(to, "")))
        elif to in reasons:
            found.append(say("telegram.hint_objection", case_no=case_no))
    return found


class _Answer:
    __slots__ = ("done", "text")

    def __init__(self, text: str, done: bool) -> None:
        self.text = text
        self.done = done
