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
    chat_channel: str | None,
    chat_sender: str | None,
    recorded_by: int | None = None,
    actor: str = "resident",
) -> tuple[CaseView, bool]:
    """The review case and whether it was opened now (False: the one under way). Asked
    by a caseworker for the resident (口述办: ``recorded_by``, no chat of their own), the
    review reaches the chat the application came from."""
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
            chat_channel=chat_channel if chat_channel is not None else refused.chat_channel,
            chat_sender=chat_sender if chat_sender is not None else refused.chat_sender,
            recorded_by=recorded_by,
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
                actor=actor,
                action="review_requested",
                note=f"申请人申请复核：{review.case_no}",
                at=utcnow(),
            )
        )
        session.flush()
        return cases.view(session, review), True
