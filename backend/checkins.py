"""Quarterly self check-ins (季度自主签到) of roster recipients, and who is missing."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from backend.cases import CaseService
from backend.clock import utcnow
from backend.db import Database
from backend.errors import InvalidInput, NotFound
from backend.models import ChatBinding, CheckIn, Recipient
from backend.roster import to_public
from backend.schemas import (
    Applicant,
    CaseCreate,
    CheckInOutcome,
    CheckInPublic,
    MissingPage,
)

QUARTER = re.compile(r"^\d{4}Q[1-4]$")


def check_quarter(quarter: str) -> str:
    quarter = quarter.strip().upper()
    if not QUARTER.match(quarter):
        raise InvalidInput("季度格式应为 2026Q4 这样的形式")
    return quarter


class CheckInService:
    def __init__(self, database: Database, cases: CaseService) -> None:
        self.db = database
        self.cases = cases

    def record(
        self,
        recipient_id: int,
        quarter: str,
        answers: dict[str, Any],
        changes: list[str],
        *,
        channel: str = "掌上办",
        recorded_by: int | None = None,
    ) -> CheckInOutcome:
        """Record a quarter's check-in (once; a repeat returns the first). Reported
        changes open a ``change_report`` case in the same transaction."""
        quarter = check_quarter(quarter)
        changes = [c.strip() for c in changes if c.strip()]
        try:
            with self.db.session() as session:
                recipient = session.get(Recipient, recipient_id)
                if recipient is None:
                    raise NotFound("名册中没有这位救助对象")
                done = self._find(session, recipient_id, quarter)
                if done is not None:
                    return CheckInOutcome(checkin=self._public(done, recipient), already_done=True)
                change_case = None
                if changes:
                    binding = (
                        session.execute(
                            select(ChatBinding).where(
                                ChatBinding.role == "recipient",
                                ChatBinding.recipient_id == recipient_id,
                            )
                        )
                        .scalars()
                        .first()
                    )
                    outcome = self.cases.create_in(
                        session,
                        CaseCreate(
                            kind="change_report",
                            channel=channel if channel in self.cases.rules.channels else "掌上办",
                            township=recipient.township,
                            village=recipient.village,
                            summary=f"{quarter}签到报告家庭变化：" + "；".join(changes),
                            applicant=Applicant(
                                name=recipient.name,
                                id_number=self.cases.pii.reveal(recipient.id_enc),
                                phone=self.cases.pii.reveal_phone(recipient.phone_enc) or None,
                            ),
                            chat_channel=binding.chat_channel if binding else None,
                            chat_sender=binding.sender if binding else None,
                            recorded_by=recorded_by,
                        ),
                    )
                    change_case = outcome.case
                checkin = CheckIn(
                    recipient_id=recipient_id,
                    quarter=quarter,
                    answers=answers,
                    changes=changes,
                    channel=channel,
                    at=utcnow(),
                    change_case_no=change_case.case_no if change_case else None,
                    recorded_by=recorded_by,
                )
                session.add(checkin)
                session.flush()
                return CheckInOutcome(
                    checkin=self._public(checkin, recipient), change_case=change_case
                )
        except IntegrityError:
            # A concurrent check-in for the same quarter won; report that one.
            with self.db.session() as session:
                recipient = session.get(Recipient, recipient_id)
                done = self._find(session, recipient_id, quarter)
                if recipient is None or done is None:
                    raise
                return CheckInOutcome(checkin=self._public(done, recipient), already_done=True)

    def done(self, recipient_id: int, quarter: str) -> bool:
        with self.db.session() as session:
            return self._find(session, recipient_id, check_quarter(quarter)) is not None

    def list(self, quarter: str, township: str | None = None) -> list[CheckInPublic]:
        quarter = check_quarter(quarter)
        query = (
            select(CheckIn, Recipient)
            .join(Recipient, Recipient.id == CheckIn.recipient_id)  # type: ignore[arg-type]
            .where(CheckIn.quarter == quarter)
            .order_by(CheckIn.id)
        )
        if township is not None:
            query = query.where(Recipient.township == township)
        with self.db.session() as session:
            return [self._public(c, r) for c, r in session.execute(query).all()]

    def missing(
        self, quarter: str, township: str | None = None, limit: int = 1000, offset: int = 0
    ) -> MissingPage:
        """Roster entries without a check-in for ``quarter`` (names, places, masked IDs)."""
        quarter = check_quarter(quarter)
        absent = ~exists().where(CheckIn.recipient_id == Recipient.id, CheckIn.quarter == quarter)
        place = [Recipient.township == township] if township is not None else []
        where = [absent, *place]
        columns = (
            Recipient.id,
            Recipient.name,
            Recipient.id_masked,
            Recipient.phone_masked,
            Recipient.township,
            Recipient.village,
        )
        with self.db.session() as session:
            # roster size minus the quarter's check-ins (one per recipient and quarter):
            # two index counts instead of an anti-join over the whole roster
            roster = session.execute(
                select(func.count()).select_from(Recipient).where(*place)
            ).scalar_one()
            done_query = select(func.count()).select_from(CheckIn).where(CheckIn.quarter == quarter)
            if place:
                done_query = done_query.join(
                    Recipient,
                    Recipient.id == CheckIn.recipient_id,  # type: ignore[arg-type]
                ).where(*place)
            done = session.execute(done_query).scalar_one()
            total = roster - done
            rows = session.execute(
                select(*columns)
                .where(*where)
                .order_by(Recipient.township, Recipient.village, Recipient.id)
                .limit(limit)
                .offset(offset)
            ).all()
        return MissingPage(quarter=quarter, total=total, items=[to_public(r) for r in rows])

    def _find(self, session: Any, recipient_id: int, quarter: str) -> CheckIn | None:
        return session.execute(
            select(CheckIn).where(CheckIn.recipient_id == recipient_id, CheckIn.quarter == quarter)
        ).scalar_one_or_none()

    def _public(self, checkin: CheckIn, recipient: Recipient) -> CheckInPublic:
        return CheckInPublic(
            recipient_id=recipient.id or 0,
            name=recipient.name,
            id_masked=recipient.id_masked,
            township=recipient.township,
            village=recipient.village,
            quarter=checkin.quarter,
            channel=checkin.channel,
            at=checkin.at,
            changes=list(checkin.changes),
            change_case_no=checkin.change_case_no,
        )
