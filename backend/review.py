"""A review (复核) of a refused application, asked for by the applicant: a ``review`` case
of its own, linked to the refused one (``related_case_no``), in the same township, for
the same person and programs; the refused case's history notes it. One review under way
per refused application is enough: asking again finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from backend.clock import utcnow
from backend.errors import InvalidInput
from backend.models import Case, CaseEvent
from backend.schemas import CaseCreate, CaseView

if TYPE_CHECKING:
    from backend.service import Backend

REVIEW = "review"
REFUSED = "rejected"


def open_review(
    backend: Backend,
    refused_no: str,
    *,
    summary: str,
    channel: str,
    chat_channel: str,
    chat_sender: str,
) -> tuple[CaseView, bool]:
    """The review case and whether it was opened now (False: the one under way)."""
    cases = backend.cases
    with backend.db.session() as session:
        refused = cases.get(session, refused_no, lock=True)
        if refused.kind != backend.rules.application_kind or refused.status != REFUSED:
            raise InvalidInput(f"案件 {refused.case_no} 没有不予批准的决定，不能申请复核")
        terminal = backend.rules.workflow(REVIEW).terminal
        existing = session.execute(
            select(Case).where(
                Case.kind == REVIEW,
                Case.related_case_no == refused.case_no,
                Case.status.not_in(terminal),  # type: ignore[attr-defined]
            )
        ).scalar_one_or_none()
        if existing is not None:
            return cases.view(session, existing), False
        data = CaseCreate(
            kind=REVIEW,
            programs=list(refused.programs),
            channel=channel,
            township=refused.township,
            village=refused.village,
            summary=summary,
            chat_channel=chat_channel,
            chat_sender=chat_sender,
        )
        cases.validate(data)
        outcome = cases.create_in(session, data)
        assert outcome.case is not None
        review = cases.get(session, outcome.case.case_no)
        review.related_case_no = refused.case_no
        review.resident_id = refused.resident_id
        session.add(review)
        session.add(
            CaseEvent(
                case_id=refused.id or 0,
                actor="resident",
                action="review_requested",
                note=f"申请人申请复核：{review.case_no}",
                at=utcnow(),
            )
        )
        session.flush()
        return cases.view(session, review), True
