"""Telegram channel (python-telegram-bot v22): residents in private chats, staff in a group.

One ``TelegramChannel`` wraps a PTB ``Application`` with one small handler per concern:

* a guard that drops an update already handled (same ``update_id``, kept in the database);
* ``/start``, ``/help``, ``/cancel`` → the engine's menu and cancel commands;
* text → the engine; a shared contact → its number as text, ``metadata["contact_phone"]``;
* a button press in a private chat → the button's payload as the message;
* a button press in the staff group → ``telegram_staff.StaffDesk``.

Replies become messages with inline keyboards; a reply that asks for a phone number
(``hints["request_phone"]``) gets a reply keyboard with a "share my phone" button.

The channel is given what it needs: the ``Assistant`` that answers a message (the
engine) and the ``Services`` (backend, settings). ``sinks()`` are its outbox sinks —
``resident:telegram`` (status changes, staff replies, reminders pushed to a resident)
and, with a staff chat, ``staff:telegram`` (new requests in the staff group); the
process that runs the bot registers them (``bot.runtime``). ``serve_polling`` runs the
bot with long polling (``jiuzhu telegram``), and ``channels.telegram.webhook`` serves
the same application behind FastAPI.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import anyio
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from backend.chat_updates import first_time
from backend.outbox import Delivery, GiveUp, Sink
from backend.routing import RESIDENT_TELEGRAM, STAFF_TELEGRAM
from base.messages import Assistant, BotReply, Button, UserMessage
from base.privacy import mask_text
from channels.telegram.limits import SendLimiter
from channels.texts import channel_text

if TYPE_CHECKING:
    from base.settings import Settings
    from services.container import Services

Task = Callable[[anyio.Event], Awaitable[None]]  # runs beside the bot until the event is set

log = logging.getLogger(__name__)

CHANNEL = "telegram"
CALLBACK_LIMIT = 64  # bytes of callback_data Telegram accepts
TEXT_LIMIT = 4096  # characters of one message
TITLE_MARK = "#"  # callback_data "#<title>": the button's title stands for a long payload
ENGINE_COMMANDS = ("start", "help", "cancel")
_PHONE_KEYBOARD = "phone_keyboard"  # chat_data flag: a reply keyboard is showing
_COMMAND = re.compile(r"^/(\w+)(@\w+)?(\s.*)?$", re.DOTALL)
Context = ContextTypes.DEFAULT_TYPE


class PerChatOrder(BaseUpdateProcessor):
    """Updates of different chats run side by side; one chat's updates in order."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # chat → lock, users

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, users = self._locks.setdefault(chat.id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await coroutine
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[chat.id]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def build_application(settings: Settings, *, polling: bool = True) -> Application:  # type: ignore[type-arg]
    """A PTB application for ``settings`` (token, ``base_url`` when set, the limiter)."""
    if not settings.telegram_token:
        raise ValueError("JIUZHU_TELEGRAM_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .rate_limiter(SendLimiter())
        .concurrent_updates(PerChatOrder(16))
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if not polling:
        builder = builder.updater(None)
    return builder.build()


def callback_data(button: Button, number: int) -> str:
    """What a press sends back: the payload, or (too long) the title or the number."""
    for candidate in (button.payload, TITLE_MARK + button.title):
        if 0 < len(candidate.encode()) <= CALLBACK_LIMIT:
            return candidate
    return str(number)


def inline_keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.title, callback_data=callback_data(button, number))]
            for number, button in enumerate(buttons, 1)
        ]
    )


def phone_keyboard(buttons: Sequence[Button]) -> ReplyKeyboardMarkup:
    rows = [[KeyboardButton(channel_text("telegram.share_phone"), request_contact=True)]]
    rows += [[KeyboardButton(button.title)] for button in buttons]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """A long reply as messages Telegram accepts, cut at line ends where possible."""
    parts: list[str] = []
    rest = text or " "
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    parts.append(rest)
    return parts


def normalise_phone(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


class TelegramChannel:
    def __init__(
        self,
        assistant: Assistant,
        services: Services,
        application: Application | None = None,  # type: ignore[type-arg]
    ) -> None:
        from channels.telegram.staff import StaffDesk

        self.assistant = assistant
        self.services = services
        self.settings = services.settings
        self.application = application or build_application(services.settings)
        self.staff = StaffDesk(self)
        self._ready = asyncio.Lock()
        self._add_handlers()

    @property
    def bot(self) -> Any:
        return self.application.bot

    # -- wiring --------------------------------------------------------------------------
    def _add_handlers(self) -> None:
        app = self.application
        # New messages only: an edited message is not a new answer.
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        app.add_handler(TypeHandler(Update, self._once), group=-1)
        app.add_handler(CommandHandler(list(ENGINE_COMMANDS), self._command, filters=private))
        app.add_handler(MessageHandler(private & filters.CONTACT, self._contact))
        app.add_handler(MessageHandler(private & filters.TEXT, self._text))
        app.add_handler(CallbackQueryHandler(self.staff.on_press, pattern=r"^staff:"))
        app.add_handler(CallbackQueryHandler(self._press))
        app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.CONTACT, self._other))

    def sinks(self) -> dict[str, Sink]:
        """The outbox sinks this bot delivers: pushes to residents and, with a staff chat,
        the staff group."""
        sinks: dict[str, Sink] = {RESIDENT_TELEGRAM: self.deliver}
        if self.settings.telegram_staff_chat_id:
            sinks[STAFF_TELEGRAM] = self.staff.post
        else:
            log.warning("%s", channel_text("telegram.cli_no_staff_chat"))
        return sinks

    async def ready(self) -> None:
        """Initialise the bot (getMe) once; a no-op when it already is."""
        async with self._ready:
            await self.application.initialize()

    # -- handlers ------------------------------------------------------------------------
    async def _once(self, update: Update, _: Context) -> None:
        backend = self.services.backend
        if not await backend.run(first_time, backend, CHANNEL, update.update_id):
            log.info("Telegram update %s was already handled", update.update_id)
            raise ApplicationHandlerStop

    async def _command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        match = _COMMAND.match(message.text.strip())
        name = match.group(1) if match else "start"
        await self.converse(update, context, f"/{name}")

    async def _text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is not None and message.text is not None:
            await self.converse(update, context, message.text)

    async def _contact(self, update: Update, context: Context) -> None:
        message = update.effective_message
        user = update.effective_user
        if message is None or message.contact is None:
            return
        contact = message.contact
        phone = normalise_phone(contact.phone_number)
        metadata = {
            "contact_phone": phone,
            "contact_own": user is not None and contact.user_id == user.id,
        }
        await self.converse(update, context, phone, metadata)

    async def _press(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE or not query.data:
            await query.answer(channel_text("telegram.group_ignored"))
            return
        await query.answer()
        data = query.data
        text = data[len(TITLE_MARK) :] if data.startswith(TITLE_MARK) else data
        if isinstance(query.message, Message):
            # The choice is made: take the keyboard off so an old button is not pressed again.
            try:
                await query.message.edit_reply_markup(reply_markup=None)
            except BadRequest as exc:
                log.debug("could not remove the keyboard: %s", exc)
        await self.converse(update, context, text)

    async def _other(self, update: Update, _: Context) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self.bot.send_message(chat_id=chat.id, text=channel_text("telegram.unsupported"))

    # -- the conversation ----------------------------------------------------------------
    async def converse(
        self, update: Update, context: Context, text: str, metadata: dict[str, Any] | None = None
    ) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        meta = {"telegram_chat_id": chat.id, **(metadata or {})}
        if user.language_code:
            meta["language_code"] = user.language_code
        replies = await self.assistant.handle(UserMessage(CHANNEL, str(user.id), text, meta))
        chat_data = context.chat_data if context.chat_data is not None else {}
        await self.send_replies(chat.id, replies, chat_data)

    async def send_replies(
        self, chat_id: int | str, replies: Sequence[BotReply], chat_data: dict[str, Any]
    ) -> None:
        for reply in replies:
            markup: Any = None
            if reply.hints.get("request_phone"):
                markup = phone_keyboard(reply.buttons)
                chat_data[_PHONE_KEYBOARD] = True
            elif reply.buttons:
                markup = inline_keyboard(reply.buttons)
            elif chat_data.pop(_PHONE_KEYBOARD, False):
                markup = ReplyKeyboardRemove()
            *first, last = split_text(reply.text)
            for part in first:
                await self.bot.send_message(chat_id=chat_id, text=part)
            await self.bot.send_message(chat_id=chat_id, text=last, reply_markup=markup)

    async def deliver(self, delivery: Delivery) -> None:
        """The ``resident:telegram`` sink: a status change, a staff reply or a reminder,
        pushed to the resident's private chat now (with the payload's buttons)."""
        await self.ready()
        sender = delivery.sender
        if not sender.lstrip("-").isdigit():
            raise GiveUp(f"not a Telegram chat: {mask_text(sender)}")
        buttons = tuple(
            Button(str(b["title"]), str(b["payload"])) for b in delivery.payload.get("buttons", ())
        )
        *first, last = split_text(delivery.text)
        try:
            for part in first:
                await self.bot.send_message(chat_id=int(sender), text=part)
            markup = inline_keyboard(buttons) if buttons else None
            await self.bot.send_message(chat_id=int(sender), text=last, reply_markup=markup)
        except (Forbidden, BadRequest) as exc:
            # Blocked, or the chat is gone: retrying cannot help; the case keeps the message.
            log.warning("Telegram user %s cannot be reached: %s", mask_text(sender), exc)
            raise GiveUp(str(exc)) from exc
        except TimedOut as exc:
            if delivery.payload.get("at_most_once"):
                # perhaps delivered: a reminder is not risked twice
                raise GiveUp(str(exc)) from exc
            raise


async def serve_polling(
    channel: TelegramChannel,
    stop: anyio.Event,
    *,
    poll_timeout: float = 30,
    tasks: Sequence[Task] = (),
) -> None:
    """Long polling, and ``tasks`` beside it (the outbox dispatcher, the reminder
    schedule — given by the process that runs the bot), until ``stop``."""
    app = channel.application
    async with app:
        updater = app.updater
        assert updater is not None
        await updater.start_polling(
            poll_interval=0.0,
            timeout=int(poll_timeout),
            allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
        )
        await app.start()
        try:
            async with anyio.create_task_group() as group:
                for task in tasks:
                    group.start_soon(task, stop)
                await stop.wait()
        finally:
            await updater.stop()
            await app.stop()
