"""Where a notification goes, decided when it is written.

Every outbox row names a concrete sink, ``<audience>:<means>``, chosen from the settings
and the case's chat channel at the moment the row is written — so whichever process
runs a dispatcher, a row goes where it was meant to, and a process dispatches only the
sinks it can deliver (``jiuzhu serve``: the log and the webhook; ``jiuzhu telegram``:
the Telegram ones):

* staff — ``staff:telegram`` when ``TELEGRAM_TOKEN`` and ``TELEGRAM_STAFF_CHAT_ID`` are
  set, else ``staff:webhook`` when ``STAFF_WEBHOOK_URL`` is set, else ``staff:log``;
* resident — ``resident:telegram`` for a Telegram chat (it can push); every other chat
  (rest, cli, web …) gets ``resident:inbox``: the row waits in the database and the
  engine shows it before the replies to the resident's next message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from base.settings import Settings

STAFF_TELEGRAM = "staff:telegram"
STAFF_WEBHOOK = "staff:webhook"
STAFF_LOG = "staff:log"
RESIDENT_TELEGRAM = "resident:telegram"
RESIDENT_INBOX = "resident:inbox"

STAFF_SINKS = (STAFF_TELEGRAM, STAFF_WEBHOOK, STAFF_LOG)
# Chat channels that can push a message to the resident, and the sink that does it.
PUSHING_CHANNELS = {"telegram": RESIDENT_TELEGRAM}


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
