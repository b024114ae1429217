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
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from backend.clock import CHINA
from backend.errors import NotFound
from backend.outbox import Delivery
from backend.programs import program_name
from backend.schemas import StaffPublic
from channels.texts import channel_text
from services.access import NotAllowed
from services.desk import Desk, new_case_alert

if TYPE_CHECKING:
    from telegram.ext import ContextTypes

    from channels.telegram.bot import TelegramChannel

log = logging.getLogger(__name__)

ACTIONS = ("accept", "view", "assign")


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


class StaffDesk:
    def __init__(self, channel: TelegramChannel) -> None:
        self.channel = channel
        self.services = channel.services

    @property
    def chat_id(self) -> int | str:
        raw = str(self.channel.settings.telegram_staff_chat_id or "").strip()
        return int(raw) if raw.lstrip("-").isdigit() else raw

    # -- the outbox sink -------------------------------------------------------------------
    async def post(self, delivery: Delivery) -> None:
        await self.channel.ready()
        text = delivery.text
        if delivery.payload.get("priority") == "urgent":
            text = f"{channel_text('telegram.urgent_mark')} {text}"
        markup = None
        case_no = new_case_alert(delivery.case_no, delivery.key, delivery.payload)
        if case_no is not None:
            markup = staff_keyboard(case_no)
        await self.channel.bot.send_message(chat_id=self.chat_id, text=text, reply_markup=markup)

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
        if len(parts) != 3 or parts[1] not in ACTIONS:
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
        )
        try:
            await self.channel.bot.send_message(chat_id=user_id, text=text)
        except (Forbidden, BadRequest):
            return _Answer(say("telegram.detail_blocked"), False)
        return _Answer(say("telegram.detail_sent"), True)


class _Answer:
    __slots__ = ("done", "text")

    def __init__(self, text: str, done: bool) -> None:
        self.text = text
        self.done = done
