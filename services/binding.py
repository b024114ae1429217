"""Bind a recipient: a chat account proves once, with name + 身份证号 + phone, that it
belongs to a roster entry (低保/特困 already granted), so check-ins need no more proof.

Failures are counted in the database per roster entry (whichever name or phone was
tried for that 身份证号) and per name + 身份证号 tried (also for numbers not on the
roster), under the same limit as status look-ups: 5 an hour, then locked, and the
entry's township staff told once. A new sender id or another channel does not reset it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from backend.schemas import RecipientPublic
from nlu.validators import id_number_problem
from services.guard import Guard, configured_limit
from services.wording import wording

if TYPE_CHECKING:
    from backend.service import Backend

BindResult = Literal["bound", "not_found", "locked"]


class BindOutcome(BaseModel):
    result: BindResult
    recipient: RecipientPublic | None = None  # only when bound
    left: int = 0
    locked_until: datetime | None = None
    minutes: int = 0


class Binding:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.guard = Guard(backend, configured_limit("binding"))

    def recipient_for(self, chat_channel: str, sender: str) -> RecipientPublic | None:
        """The roster entry this chat account is bound to, if any."""
        return self.backend.recipient_for_chat(chat_channel, sender)

    def _keys(self, name: str, id_number: str) -> tuple[str | None, str]:
        """The roster entry's key (when the 身份证号 is on the roster) and the attempt's."""
        entry = (
            self.backend.roster.by_id_number(id_number)
            if not id_number_problem(id_number)
            else None
        )
        # A keyed hash: the key says nothing of the 身份证号 to whoever reads the table.
        digest = self.backend.pii.token_hash(f"bind|{id_number.strip().upper()}|{name.strip()}")
        return (f"bind:{entry.id}" if entry else None), f"bind-try:{digest[:40]}"

    def bind(
        self, chat_channel: str, sender: str, name: str, id_number: str, phone: str | None
    ) -> BindOutcome:
        entry_key, tried_key = self._keys(name, id_number)
        keys = [k for k in (entry_key, tried_key) if k]
        until = self.guard.locked_until(*keys)
        if until is not None:
            return BindOutcome(result="locked", locked_until=until, minutes=self.guard.minutes)
        recipient = self.backend.bind_recipient(chat_channel, sender, name, id_number, phone)
        if recipient is not None:
            return BindOutcome(result="bound", recipient=recipient)
        failures = [self.guard.fail(key) for key in keys]
        left = min(f.left for f in failures)
        if left > 0:
            return BindOutcome(result="not_found", left=left, minutes=self.guard.minutes)
        if entry_key is not None and failures[0].just_locked and failures[0].locked_until:
            self._tell_staff(id_number, entry_key, failures[0].locked_until)
        until = max(f.locked_until for f in failures if f.locked_until is not None)
        return BindOutcome(result="locked", locked_until=until, minutes=self.guard.minutes)

    def _tell_staff(self, id_number: str, key: str, until: datetime) -> None:
        entry = self.backend.roster.by_id_number(id_number)
        if entry is None:
            return
        text = wording()(
            "notices.bind_locked",
            name=entry.name,
            id_masked=entry.id_masked,
            township=entry.township,
            village=entry.village,
            failures=self.guard.limit.failures,
            minutes=self.guard.minutes,
        )
        self.backend.notify_staff(
            self.guard.lock_key(key, until),
            text,
            township=entry.township,
            kind="limit",
            priority="normal",
        )
