"""Where a notification goes, decided when it is written.

Every outbox row names a concrete sink, ``<audience>:<means>``, chosen from the settings
and the case's chat channel at the moment the row is written — so whichever process
runs a dispatcher, a row goes where it was meant to, and a process dispatches only the
sinks it can deliver (``jiuzhu serve``: the log and the webhook; ``jiuzhu telegram``:
the Telegram ones):

* staff — ``staff:telegram`` when ``TELEGRAM_TOKEN`` and ``TELEGRAM_STAFF_CHAT_ID`` are
  set, else ``staff:webhook`` when ``STAFF_WEBHOOK_URL`` is set, else ``staff:log``;
* resident — ``resident:telegram`` for a Telegram chat and ``resident:wechat`` for the
  公众号 (they can push; ``jiuzhu serve`` delivers WeChat's, falling back to SMS when
  WeChat's rules do not let a message through), ``resident:sms`` for a roster entry
  only SMS reaches; every other chat (rest, cli, web …) gets ``resident:inbox``: the row
  waits in the database, the web page's event stream shows it at once, and the engine
  shows it before the replies to the resident's next message.

A resident's row goes to the chat account the *person* used last (``backend.contacts``:
the web page and the 公众号 joined by a link code are one person): ``redirect``, called
by ``backend.outbox.enqueue`` for every resident row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from base.settings import Settings

STAFF_TELEGRAM = "staff:telegram"
STAFF_WEBHOOK = "staff:webhook"
STAFF_LOG = "staff:log"
RESIDENT_TELEGRAM = "resident:telegram"
RESIDENT_INBOX = "resident:inbox"
RESIDENT_WECHAT = "resident:wechat"
RESIDENT_SMS = "resident:sms"

STAFF_SINKS = (STAFF_TELEGRAM, STAFF_WEBHOOK, STAFF_LOG)
# Chat channels that can push a message to the resident, and the sink that does it.
PUSHING_CHANNELS = {"telegram": RESIDENT_TELEGRAM, "wechat": RESIDENT_WECHAT, "sms": RESIDENT_SMS}


@dataclass(frozen=True)
class Routing:
    """The sinks of this deployment: one for staff, one per resident chat channel."""

    staff: str = STAFF_LOG

    @classmethod
    def from_settings(cls, settings: Settings) -> Routing:
        if settings.telegram_token and settings.telegram_staff_chat_id:
            return cls(staff=STAFF_TELEGRAM)
        if settings.staff_webhook_url:
            return cls(staff=STAFF_WEBHOOK)
        return cls(staff=STAFF_LOG)

    def resident(self, chat_channel: str) -> str:
        """The sink of a resident on ``chat_channel``."""
        return PUSHING_CHANNELS.get(chat_channel, RESIDENT_INBOX)

    def keeps_inbox(self, chat_channel: str) -> bool:
        """Whether messages to residents on ``chat_channel`` wait for their next message."""
        return self.resident(chat_channel) == RESIDENT_INBOX


def redirect(
    session: Session, chat_channel: str, chat_sender: str, payload: dict[str, Any]
) -> tuple[str, str, str, dict[str, Any]] | None:
    """Where a resident row for (``chat_channel``, ``chat_sender``) goes instead: the
    (sink, channel, sender, payload) of the chat account its person used last, or None
    when that is this account (or the account is not in the contact book)."""
    from sqlalchemy import select

    from backend.contacts import SMS
    from backend.models import Contact

    person = session.execute(
        select(Contact.person).where(
            Contact.chat_channel == chat_channel, Contact.sender == chat_sender
        )
    ).scalar_one_or_none()
    if person is None:
        return None
    latest = session.execute(
        select(Contact.chat_channel, Contact.sender)
        .where(Contact.person == person, Contact.chat_channel != SMS)
        .order_by(Contact.last_used_at.desc(), Contact.id.desc())  # type: ignore[attr-defined, union-attr]
        .limit(1)
    ).first()
    if latest is None or (latest[0], latest[1]) == (chat_channel, chat_sender):
        return None
    channel, sender = str(latest[0]), str(latest[1])
    moved = {**payload, "chat_channel": channel, "sender": sender}
    return PUSHING_CHANNELS.get(channel, RESIDENT_INBOX), channel, sender, moved
