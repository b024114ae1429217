"""The quarterly check-in (季度自主签到) of a bound recipient: already done this quarter?
Record it; a reported change opens a ``change_report`` case in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from backend.clock import current_quarter, local_day
from backend.schemas import CheckInOutcome, RecipientPublic
from services.access import ensure_covers
from services.chat import application_channel

if TYPE_CHECKING:
    from backend.schemas import StaffPublic
    from backend.service import Backend


@dataclass(frozen=True)
class AlreadyDone:
    quarter: str
    day: date | None  # the (China) day it was done


class CheckIns:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @staticmethod
    def quarter() -> str:
        return current_quarter()

    def done(self, recipient: RecipientPublic, quarter: str) -> AlreadyDone | None:
        """The quarter's check-in when it is done already, else None."""
        if not self.backend.checkin_done(recipient, quarter):
            return None
        done = self.backend.list_checkins(quarter, recipient.township)
        day = next((local_day(c.at) for c in done if c.recipient_id == recipient.id), None)
        return AlreadyDone(quarter=quarter, day=day)

    def record(
        self,
        recipient_id: int,
        quarter: str,
        answers: dict[str, Any],
        changes: Sequence[str],
        *,
        chat_channel: str,
    ) -> CheckInOutcome:
        return self.backend.record_checkin(
            recipient_id,
            quarter,
            answers,
            list(changes),
            channel=application_channel(chat_channel),
        )

    def recipient(
        self, *, recipient_id: int | None = None, id_number: str | None = None
    ) -> RecipientPublic | None:
        """A roster entry by its number or by 身份证号."""
        if recipient_id is not None:
            return self.backend.roster.get(recipient_id)
        return self.backend.roster.by_id_number(id_number) if id_number else None

    def record_by_staff(
        self,
        staff: StaffPublic,
        recipient: RecipientPublic,
        quarter: str,
        answers: dict[str, Any],
        changes: Sequence[str],
        *,
        channel: str,
    ) -> CheckInOutcome:
        """A check-in staff record for a recipient of their own township (``NotAllowed``)."""
        ensure_covers(staff, recipient.township)
        return self.backend.record_checkin(
            recipient, quarter, answers, list(changes), channel=channel, recorded_by=staff.id
        )
