"""The staff desk: who is signed in from a chat, the work queue, and the steps on one case
— detail, accept, assign to me, transition, extend, message the resident.

Every step on a case checks the region rule first, here and only here (a caseworker
acts on their own township's cases, an administrator on all); the console, the
Telegram staff group and the HTTP API turn the outcomes into pages, messages, JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from backend.errors import InvalidTransition, NotFound
from backend.schemas import (
    CaseDetail,
    CaseView,
    MessagePreview,
    StaffPublic,
    TransitionPreview,
    TransitionRequest,
)
from backend.staff import actor_label
from services.access import UNPLACED_FOR_ALL, NotAllowed, ensure_covers, region_of

if TYPE_CHECKING:
    from backend.models import OutboxMessage
    from backend.service import Backend

# 受理: the first of these the case's workflow allows (applications, other kinds).
ACCEPT_TARGETS = ("accepted", "in_progress")
OPEN = ""  # queue filter: every status that is not terminal
ALL = "all"  # queue filter: every status


@dataclass(frozen=True)
class QueueFilter:
    status: str = OPEN
    kind: str = ""
    channel: str = ""
    township: str | None = None  # None: every township (admins; caseworkers get their own)


AcceptResult = Literal["accepted", "cannot_accept", "taken"]


class AcceptOutcome(BaseModel):
    result: AcceptResult
    case: CaseView
    stage: str = ""  # the stage it stays in, when it cannot be accepted
    message: str = ""  # why, when someone else moved it first


class Desk:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    # -- who is at the desk ---------------------------------------------------------
    def staff_for_token(self, token: str | None) -> StaffPublic | None:
        return self.backend.staff_for_token(token)

    def staff_for_chat(self, chat_channel: str, sender: str) -> StaffPublic | None:
        return self.backend.staff_for_chat(chat_channel, sender)

    def bind_chat(self, token: str, chat_channel: str, sender: str) -> StaffPublic | None:
        """``/bind <token>``: this chat account acts as the token's staff member."""
        return self.backend.bind_staff_chat(token, chat_channel, sender)

    def still_allowed(self, staff: StaffPublic) -> bool:
        """A deactivated account (or a removed admin token) loses the desk at once."""
        if staff.id is None:
            return bool(self.backend.staff.admin_token)
        return self.backend.staff_active(staff.id)

    # -- the region rule --------------------------------------------------------------
    def case(self, staff: StaffPublic, case_no: str) -> CaseView:
        """The case, when it exists (``NotFound``) and is in the staff member's region
        (``NotAllowed``)."""
        case = self.backend.find_case(case_no)
        if case is None:
            raise NotFound(f"没有找到案件 {case_no.strip()}")
        ensure_covers(staff, case.township, case.kind)
        return case

    def may_act(self, staff: StaffPublic, case_no: str) -> bool:
        try:
            self.case(staff, case_no)
        except (NotFound, NotAllowed):
            return False
        return True

    # -- steps on one case ------------------------------------------------------------
    def detail(self, staff: StaffPublic, case_no: str, *, reveal: bool = False) -> CaseDetail:
        """Everything staff see of a case; ``reveal`` shows the whole 身份证号 (audited)."""
        case = self.case(staff, case_no)
        return self.backend.case_detail(case.case_no, reveal=reveal, actor=actor_label(staff))

    def accept(self, staff: StaffPublic, case_no: str, note: str = "") -> AcceptOutcome:
        """受理: an application → accepted, another kind → in_progress."""
        case = self.case(staff, case_no)
        rules = self.backend.rules
        allowed = rules.workflow(case.kind).allowed(case.status)
        target = next((to for to in ACCEPT_TARGETS if to in allowed), None)
        if target is None:
            stage = rules.labels.get(case.status, case.status)
            return AcceptOutcome(result="cannot_accept", case=case, stage=stage)
        try:
            moved = self.backend.transition(case.case_no, target, note, actor_label(staff))
        except InvalidTransition as exc:  # someone else was quicker
            return AcceptOutcome(result="taken", case=case, message=exc.message)
        return AcceptOutcome(result="accepted", case=moved)

    def assign_to_me(self, staff: StaffPublic, case_no: str, note: str = "") -> CaseView:
        """指派给我: the staff member becomes the case's assignee (in its history)."""
        case = self.case(staff, case_no)
        return self.backend.assign_case(case.case_no, staff, note)

    def transition(
        self, staff: StaffPublic, case_no: str, to: str | TransitionRequest, note: str = ""
    ) -> CaseView:
        """One step along the workflow (``InvalidTransition`` otherwise). ``to`` is a
        status, or a ``TransitionRequest`` with the reason, the message to the applicant
        and the approval's details; the note is internal."""
        case = self.case(staff, case_no)
        return self.backend.transition(case.case_no, to, note, actor_label(staff))

    def preview(
        self, staff: StaffPublic, case_no: str, request: TransitionRequest
    ) -> TransitionPreview:
        """What the step would tell the applicant (checked as the step is), not done."""
        case = self.case(staff, case_no)
        return self.backend.preview_transition(case.case_no, request, actor_label(staff))

    def note(self, staff: StaffPublic, case_no: str, text: str) -> None:
        """An internal note in the case's history: staff read it, the applicant never."""
        case = self.case(staff, case_no)
        self.backend.add_staff_note(case.case_no, text, actor_label(staff))

    def refused_for(
        self,
        staff: StaffPublic,
        *,
        case_no: str | None = None,
        name: str | None = None,
        id_number: str | None = None,
    ) -> list[CaseView]:
        """Refused applications of the region a 复核 asked in 口述办 may be about: the one
        numbered (``NotFound`` / ``NotAllowed``), else those of the resident named (and
        of the 身份证号, when given); none when neither is said."""
        application = self.backend.rules.application_kind
        if case_no:
            case = self.case(staff, case_no)
            return [case] if case.kind == application and case.status == "rejected" else []
        if not name and not id_number:
            return []
        from nlu.validators import mask_id

        masked = mask_id(id_number) if id_number else None
        return [
            case
            for case in self.cases(staff, status="rejected", kind=application, limit=200)
            if (not name or case.applicant_name == name)
            and (masked is None or case.id_masked == masked)
        ]

    def open_review(self, staff: StaffPublic, case_no: str, told: str) -> tuple[CaseView, bool]:
        """A 复核 asked by the caseworker for the resident (口述办): the review case, linked
        to the refused one, recorded by them; (case, opened now)."""
        from backend.review import open_review
        from services.manage import decision_of
        from services.wording import wording

        case = self.case(staff, case_no)
        summary = wording()(
            "manage.review_summary_staff",
            case_no=case.case_no,
            decision=decision_of(self.backend, case.case_no),
            recorder=staff.name,
            reason=told,
        )
        return open_review(
            self.backend,
            case.case_no,
            summary=summary,
            channel="口述办",
            chat_channel=None,
            chat_sender=None,
            recorded_by=staff.id,
            actor=actor_label(staff),
        )

    def preview_message(self, staff: StaffPublic, case_no: str, text: str) -> MessagePreview:
        """The message to the applicant exactly as they will read it (not sent)."""
        case = self.case(staff, case_no)
        return self.backend.preview_message(case.case_no, text)

    def extend(self, staff: StaffPublic, case_no: str, note: str) -> CaseView:
        case = self.case(staff, case_no)
        return self.backend.extend_deadline(case.case_no, note, actor_label(staff))

    def message(self, staff: StaffPublic, case_no: str, text: str) -> str:
        """A message to the resident's chat; returns its outbox key."""
        case = self.case(staff, case_no)
        return self.backend.message_resident(case.case_no, text, actor_label(staff))

    def stage_label(self, status: str) -> str:
        return self.backend.rules.labels.get(status, status)

    # -- lists ------------------------------------------------------------------------
    def queue(self, staff: StaffPublic, where: QueueFilter, limit: int = 200) -> list[CaseView]:
        """Cases to handle, urgent first then by deadline; a caseworker sees their own
        township whatever the filter says."""
        region = region_of(staff)
        statuses: list[str] | None = None
        not_statuses: list[str] | None = None
        if where.status == OPEN:
            not_statuses = sorted(self.terminal_statuses())
        elif where.status != ALL:
            statuses = [where.status]
        return self.backend.work_queue(
            statuses=statuses,
            not_statuses=not_statuses,
            kind=where.kind,
            channel=where.channel,
            township=region if region is not None else where.township,
            unplaced_kinds=UNPLACED_FOR_ALL if region is not None else (),
            limit=limit,
        )

    def terminal_statuses(self) -> set[str]:
        found: set[str] = set()
        for workflow in self.backend.rules.workflows.values():
            found.update(workflow.terminal)
        return found

    def cases(
        self,
        staff: StaffPublic,
        *,
        status: str | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[CaseView]:
        """The case list, newest first, of the staff member's region."""
        return self.backend.list_cases(
            status=status,
            kind=kind,
            since=since,
            township=region_of(staff),
            unplaced_kinds=UNPLACED_FOR_ALL if region_of(staff) is not None else (),
            limit=limit,
            offset=offset,
        )

    def notifications(
        self, staff: StaffPublic, *, after_id: int = 0, limit: int = 50
    ) -> list[OutboxMessage]:
        """The staff notification feed of the staff member's region, oldest first."""
        region = region_of(staff)
        return self.backend.notifications(
            township=region,
            # an urgent case nobody has placed: in every caseworker's feed, as in the list
            unplaced_kinds=UNPLACED_FOR_ALL if region is not None else (),
            after_id=after_id,
            limit=limit,
        )

    def townships(self, staff: StaffPublic, known: list[str]) -> list[str]:
        """Townships to filter by: none for a caseworker (their own only); for an admin the
        region's (``known``), then any other a case or the roster names."""
        if region_of(staff) is not None:
            return []
        extra = sorted(t for t in self.backend.case_townships() if t not in known)
        return [*known, *extra]


def new_case_alert(case_no: str | None, key: str, payload: dict[str, Any]) -> str | None:
    """The case number when a staff notification announces a new case (the desk's buttons
    go with it), else None."""
    if not case_no:
        return None
    if payload.get("event") == "created" or key.endswith(":created:staff"):
        return case_no
    return None
