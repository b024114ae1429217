"""Case service: opening cases (numbering, de-duplication, consents), looking them up,
moving them along the workflow, staff messages to residents — each change with its audit
event and outbox rows in one transaction."""

from __future__ import annotations

import hmac
from datetime import date, datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from backend.clock import CHINA, local_day, utcnow
from backend.db import Database
from backend.errors import InvalidInput, InvalidTransition, NotFound, TooEarly
from backend.models import (
    Case,
    CaseEvent,
    ChatBinding,
    Consent,
    OpenClaim,
    Recipient,
    RecipientProgram,
    Resident,
    Staff,
)
from backend.numbering import next_case_no
from backend.outbox import enqueue
from backend.pii import PersonalData
from backend.programs import is_program, program_name
from backend.roster import join_roster
from backend.routing import Routing
from backend.rules import URGENT_PRIORITIES, Rules
from backend.schemas import (
    Approval,
    CaseCreate,
    CaseDetail,
    CaseOutcome,
    CaseView,
    ConsentPublic,
    EventPublic,
    MessagePreview,
    TransitionPreview,
    TransitionRequest,
)
from backend.sqlhelp import dialect_insert, is_postgres
from base.messages import is_verified
from nlu.validators import id_number_problem, phone_problem

# The staff alert of a new case by its priority (life: 【危及生命】, urgent: 【急】).
NEW_CASE_TEMPLATES = {"life": "staff_new_life", "urgent": "staff_new_urgent"}
ROSTER_CONFLICT = "名册"  # the number is on the roster, not yet on a case
CONFLICT_UNKNOWN = "已有记录"  # the number is known, its case is itself a conflict


class CaseService:
    def __init__(
        self,
        database: Database,
        rules: Rules,
        pii: PersonalData,
        routing: Routing | None = None,
    ) -> None:
        self.db = database
        self.rules = rules
        self.pii = pii
        self.routing = routing or Routing()

    # --- creation --------------------------------------------------------------------

    def create(self, data: CaseCreate) -> CaseOutcome:
        self.validate(data)
        with self.db.session() as session:
            return self.create_in(session, data)

    def create_many(self, items: list[CaseCreate]) -> list[CaseOutcome]:
        """Open several cases in one transaction (one application, one case per program):
        every one is checked first, so a bad one opens none."""
        for data in items:
            self.validate(data)
        with self.db.session() as session:
            return [self.create_in(session, data) for data in items]

    def validate(self, data: CaseCreate) -> None:
        rules = self.rules
        if data.kind not in rules.kinds:
            raise InvalidInput(f"未知的案件类型：{data.kind}")
        if data.channel not in rules.channels:
            raise InvalidInput(f"办理渠道应为 {'/'.join(rules.channels)} 之一")
        if data.priority not in rules.priorities:
            raise InvalidInput(f"优先级应为 {'/'.join(rules.priorities)} 之一")
        unknown = [p for p in data.programs if not is_program(p)]
        if unknown:
            raise InvalidInput(f"未知的救助项目：{'、'.join(unknown)}")
        applicant = data.applicant
        if data.kind == rules.application_kind:
            if not data.programs:
                raise InvalidInput("申请至少要选择一个救助项目")
            if not applicant.name.strip():
                raise InvalidInput("申请需要申请人姓名")
            if not applicant.id_number:
                raise InvalidInput("申请需要申请人身份证号")
        if applicant.id_number and (problem := id_number_problem(applicant.id_number)):
            raise InvalidInput(problem)
        if applicant.phone and (problem := phone_problem(applicant.phone)):
            raise InvalidInput(problem)

    def create_in(self, session: Session, data: CaseCreate) -> CaseOutcome:
        """Open a case inside the caller's transaction (see ``Backend.create_case``).

        An application with a 身份证号 the system already knows (another case, the
        roster) from someone not provably that person (not the chat account of one of
        their cases or bound to their roster entry) is a possible conflict: it opens a
        case of its own, flagged for staff, tells nothing about the first person's
        cases and changes none of their details (``CaseOutcome.conflict``)."""
        recorder = session.get(Staff, data.recorded_by) if data.recorded_by else None
        if data.recorded_by and recorder is None:
            raise InvalidInput(f"没有编号为 {data.recorded_by} 的工作人员")
        is_application = data.kind == self.rules.application_kind
        resident, conflict_with = self._resident(session, data, is_application)
        programs = list(dict.fromkeys(data.programs))
        held: list[str] = []
        if is_application and conflict_with is None and resident is not None and resident.id_hash:
            held = self._held_programs(session, resident.id_hash, programs)
            programs = [p for p in programs if p not in held]
            if not programs:
                return CaseOutcome(already_recipient=True, already_recipient_programs=held)
            existing = self._claim(session, resident.id_hash, programs)
            if existing is not None:
                return CaseOutcome(
                    case=self.view(session, existing),
                    duplicate=True,
                    already_recipient=bool(held),
                    already_recipient_programs=held,
                )
        now = utcnow()
        workflow = self.rules.workflow(data.kind)
        case = Case(
            case_no=next_case_no(session, local_day(now)),
            kind=data.kind,
            programs=programs,
            status=workflow.initial,
            channel=data.channel,
            township=data.township.strip(),
            village=data.village.strip(),
            priority=data.priority,
            summary=data.summary,
            chat_channel=data.chat_channel,
            chat_sender=data.chat_sender,
            resident_id=resident.id if resident else None,
            recorded_by=data.recorded_by,
            recorded_by_name=recorder.name if recorder else None,
            household=data.household,
            screening=data.screening,
            created_at=now,
            updated_at=now,
            stage_at=now,
            conflict_with=conflict_with,
            related_case_no=data.related_case_no,
        )
        case.due_date = self._due(case)
        session.add(case)
        session.flush()
        if is_application and conflict_with is None and resident is not None and resident.id_hash:
            session.execute(
                update(OpenClaim)
                .where(
                    OpenClaim.id_hash == resident.id_hash,
                    OpenClaim.program.in_(programs),  # type: ignore[attr-defined]
                    OpenClaim.case_id.is_(None),  # type: ignore[union-attr]
                )
                .values(case_id=case.id)
            )
        # 口述办: the recorder by number and name, as every staff step is (actor_label)
        actor = f"staff:{recorder.id} {recorder.name}" if recorder else "resident"
        session.add(
            CaseEvent(
                case_id=case.id or 0,
                actor=actor,
                action="created",
                to_status=case.status,
                note=f"{data.channel}（录入人：{recorder.name}）" if recorder else data.channel,
                at=now,
            )
        )
        view = self._view(case, resident)
        if conflict_with is not None:
            session.add(
                CaseEvent(
                    case_id=case.id or 0,
                    actor="system",
                    action="conflict",
                    note=self.rules.text("staff_conflict", **self._fields(view)),
                    at=now,
                )
            )
        for consent in data.consents:
            session.add(
                Consent(
                    case_id=case.id or 0,
                    text_id=consent.text_id,
                    text_version=consent.text_version,
                    channel=data.channel,
                    chat_channel=data.chat_channel,
                    at=now,
                )
            )
        view = self._view(case, resident)
        template = NEW_CASE_TEMPLATES.get(case.priority, "staff_new_case")
        text = self.rules.text(template, **self._fields(view))
        if conflict_with is not None:
            text += "\n" + self.rules.text("staff_conflict", **self._fields(view))
        enqueue(
            session,
            sink=self.routing.staff,
            key=f"{case.case_no}:created:staff",
            case_no=case.case_no,
            township=case.township,
            payload={
                "text": text,
                "kind": case.kind,
                "priority": case.priority,
                "status": case.status,
                "event": "created",
                **({"conflict_with": conflict_with} if conflict_with else {}),
            },
        )
        return CaseOutcome(
            case=view,
            created=True,
            already_recipient=bool(held),
            already_recipient_programs=held,
            conflict=conflict_with is not None,
        )

    def _resident(
        self, session: Session, data: CaseCreate, is_application: bool
    ) -> tuple[Resident | None, str | None]:
        """The person the case is about, and what a possible conflict is with (or None).

        A known 身份证号 keeps its stored name and phone unless the applicant is
        provably the same person (``_same_claimant``); an application that is not
        gets a person record of its own (no look-up hash, so it never stands for the
        number) and the conflict."""
        applicant = data.applicant
        if not applicant.id_number:
            if not (applicant.name or applicant.phone):
                return None, None
            resident = Resident(name=applicant.name.strip(), **self._phone(applicant.phone))
            session.add(resident)
            session.flush()
            return resident, None
        sealed = self.pii.seal(applicant.id_number)
        decided: dict[str, tuple[int, str | None]] = session.info.setdefault("jz_claimants", {})
        if sealed.hash in decided:  # another program of the same application
            resident_id, conflict_with = decided[sealed.hash]
            return session.get(Resident, resident_id), conflict_with
        resident = session.execute(
            select(Resident).where(Resident.id_hash == sealed.hash)
        ).scalar_one_or_none()
        recipient = session.execute(
            select(Recipient).where(Recipient.id_hash == sealed.hash)
        ).scalar_one_or_none()
        conflict_with: str | None = None
        if resident is None and recipient is None:
            resident, inserted = self._insert_resident(session, data, sealed)
            if not inserted:  # another transaction recorded the number first
                conflict_with = self._conflict(session, data, resident, None)
        else:
            conflict_with = self._conflict(session, data, resident, recipient)
            if resident is None and conflict_with is None:
                resident, _ = self._insert_resident(session, data, sealed)
        if conflict_with is not None and is_application:
            resident = Resident(
                name=applicant.name.strip(),
                id_enc=sealed.encrypted,
                id_masked=sealed.masked,
                **self._phone(applicant.phone),
            )
            session.add(resident)
            session.flush()
        elif conflict_with is None and resident is not None:
            self._update_details(session, resident, data)
        else:  # a report or follow-up: linked to the person, their details kept
            conflict_with = None
            if resident is None:
                resident, _ = self._insert_resident(session, data, sealed)
        assert resident is not None and resident.id is not None
        decided[sealed.hash] = (resident.id, conflict_with)
        return resident, conflict_with

    def _insert_resident(
        self, session: Session, data: CaseCreate, sealed: Any
    ) -> tuple[Resident, bool]:
        """The person with this number, and whether this transaction recorded them."""
        applicant = data.applicant
        table = Resident.__table__  # type: ignore[attr-defined]
        result = session.execute(
            dialect_insert(session, table)
            .values(
                name=applicant.name.strip(),
                id_hash=sealed.hash,
                id_enc=sealed.encrypted,
                id_masked=sealed.masked,
                **self._phone(applicant.phone),
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=[table.c.id_hash])
        )
        resident = session.execute(
            select(Resident).where(Resident.id_hash == sealed.hash)
        ).scalar_one()
        return resident, bool(getattr(result, "rowcount", 0))

    def _conflict(
        self,
        session: Session,
        data: CaseCreate,
        resident: Resident | None,
        recipient: Recipient | None,
    ) -> str | None:
        """None when the applicant is provably the person the number belongs to; else
        what the number is already known by (the person's newest case, or 名册)."""
        if self._same_claimant(session, data, resident, recipient):
            return None
        if resident is not None:
            first = session.execute(
                select(Case.case_no)
                .where(Case.resident_id == resident.id, Case.conflict_with.is_(None))  # type: ignore[union-attr]
                .order_by(Case.id.desc())  # type: ignore[union-attr]
                .limit(1)
            ).scalar_one_or_none()
            if first:
                return first
        return ROSTER_CONFLICT if recipient is not None else CONFLICT_UNKNOWN

    def _same_claimant(
        self,
        session: Session,
        data: CaseCreate,
        resident: Resident | None,
        recipient: Recipient | None,
    ) -> bool:
        """The chat account of one of the person's cases, or the one bound to their
        roster entry — and one the channel vouches for (``base.messages.is_verified``).
        Staff recording an account (口述办) speak with the person: the same name and
        phone as stored are theirs (staff then call the number already on file)."""
        if data.recorded_by is not None:
            name = data.applicant.name.strip()
            known = resident or recipient
            return (
                known is not None
                and known.name == name
                and self.pii.same_phone(known.phone_hash, data.applicant.phone)
            )
        if not data.chat_channel or not is_verified(data.chat_sender):
            return False
        if resident is not None:
            seen = session.execute(
                select(Case.id)
                .where(
                    Case.resident_id == resident.id,
                    Case.chat_channel == data.chat_channel,
                    Case.chat_sender == data.chat_sender,
                )
                .limit(1)
            ).scalar_one_or_none()
            if seen is not None:
                return True
        if recipient is not None:
            bound = session.execute(
                select(ChatBinding.id).where(
                    ChatBinding.role == "recipient",
                    ChatBinding.chat_channel == data.chat_channel,
                    ChatBinding.sender == data.chat_sender,
                    ChatBinding.recipient_id == recipient.id,
                )
            ).scalar_one_or_none()
            if bound is not None:
                return True
        return False

    def _phone(self, phone: str | None) -> dict[str, str | None]:
        """A resident's phone columns (all None without a number)."""
        sealed = self.pii.seal_phone(phone)
        return {
            "phone_hash": sealed.hash or None,
            "phone_enc": sealed.encrypted or None,
            "phone_masked": sealed.masked or None,
        }

    def phone_of(self, case_no: str) -> str:
        """The case's contact number in clear, for sending it an SMS ("" for none)."""
        with self.db.session() as session:
            case = self.get(session, case_no)
            resident = session.get(Resident, case.resident_id) if case.resident_id else None
            return self.pii.reveal_phone(resident.phone_enc if resident else None)

    def _update_details(self, session: Session, resident: Resident, data: CaseCreate) -> None:
        applicant = data.applicant
        changed = False
        if applicant.name.strip() and resident.name != applicant.name.strip():
            resident.name, changed = applicant.name.strip(), True
        if applicant.phone and not self.pii.same_phone(resident.phone_hash, applicant.phone):
            for column, value in self._phone(applicant.phone).items():
                setattr(resident, column, value)
            changed = True
        if changed:
            session.add(resident)
            session.flush()

    def _held_programs(self, session: Session, id_hash: str, programs: list[str]) -> list[str]:
        rows = session.execute(
            select(RecipientProgram.program)
            .join(Recipient, Recipient.id == RecipientProgram.recipient_id)  # type: ignore[arg-type]
            .where(Recipient.id_hash == id_hash)
        ).scalars()
        held = set(rows)
        return [p for p in programs if p in held]

    def _claim(self, session: Session, id_hash: str, programs: list[str]) -> Case | None:
        """Take the (person, program) claims; if one is taken, return that open case."""
        try:
            with session.begin_nested():
                for program in programs:
                    session.add(OpenClaim(id_hash=id_hash, program=program))
                session.flush()
            return None
        except IntegrityError:
            pass
        return session.execute(
            select(Case)
            .join(OpenClaim, OpenClaim.case_id == Case.id)  # type: ignore[arg-type]
            .where(
                OpenClaim.id_hash == id_hash,
                OpenClaim.program.in_(programs),  # type: ignore[attr-defined]
            )
            .limit(1)
        ).scalar_one()

    # --- look-ups --------------------------------------------------------------------

    def get(self, session: Session, case_no: str, *, lock: bool = False) -> Case:
        query = select(Case).where(Case.case_no == case_no.strip().upper())
        if lock and is_postgres(session):
            query = query.with_for_update()
        case = session.execute(query).scalar_one_or_none()
        if case is None:
            raise NotFound(f"没有找到案件 {case_no}")
        return case

    def find(self, case_no: str) -> CaseView | None:
        with self.db.session() as session:
            try:
                return self.view(session, self.get(session, case_no))
            except NotFound:
                return None

    def for_sender(self, chat_channel: str, sender: str) -> list[CaseView]:
        with self.db.session() as session:
            rows = session.execute(
                select(Case, Resident)
                .outerjoin(Resident, Resident.id == Case.resident_id)  # type: ignore[arg-type]
                .where(Case.chat_channel == chat_channel, Case.chat_sender == sender)
                .order_by(Case.id.desc())  # type: ignore[union-attr]
            ).all()
            return [self._view(case, resident) for case, resident in rows]

    def verify_identity(self, case_no: str, id_last6: str) -> CaseView | None:
        """The case when ``id_last6`` matches the applicant's 身份证号, else None."""
        with self.db.session() as session:
            try:
                case = self.get(session, case_no)
            except NotFound:
                return None
            resident = session.get(Resident, case.resident_id) if case.resident_id else None
            if resident is None or not resident.id_enc:
                return None
            last6 = self.pii.reveal(resident.id_enc)[-6:]
            if not hmac.compare_digest(last6, id_last6.strip().upper()):
                return None
            return self._view(case, resident)

    def staff_messages(self, case_no: str, limit: int = 3) -> list[str]:
        """The newest staff messages to the applicant of a case, oldest of them first."""
        with self.db.session() as session:
            try:
                case = self.get(session, case_no)
            except NotFound:
                return []
            notes = session.execute(
                select(CaseEvent.note)
                .where(CaseEvent.case_id == case.id, CaseEvent.action == "message")
                .order_by(CaseEvent.id.desc())  # type: ignore[union-attr]
                .limit(limit)
            ).scalars()
            return list(reversed(list(notes)))

    def list(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        township: str | None = None,
        unplaced_kinds: tuple[str, ...] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> list[CaseView]:
        query = select(Case, Resident).outerjoin(
            Resident,
            Resident.id == Case.resident_id,  # type: ignore[arg-type]
        )
        if status:
            query = query.where(Case.status == status)
        if kind:
            query = query.where(Case.kind == kind)
        if since:
            if since.tzinfo is None:  # a time without zone is China time, as staff mean it
                since = since.replace(tzinfo=CHINA)
            query = query.where(Case.created_at >= since)
        if township is not None:
            query = query.where(_in_township(township, unplaced_kinds))
        query = query.order_by(Case.id.desc())  # type: ignore[union-attr]  # newest first
        with self.db.session() as session:
            rows = session.execute(query.limit(limit).offset(offset)).all()
            return [self._view(case, resident) for case, resident in rows]

    def detail(self, case_no: str, *, reveal: bool = False, actor: str = "") -> CaseDetail:
        """The staff detail view. ``reveal=True`` decrypts the 身份证号 and records who did."""
        with self.db.session() as session:
            case = self.get(session, case_no)
            resident = session.get(Resident, case.resident_id) if case.resident_id else None
            id_number = phone = None
            if reveal and resident is not None and (resident.id_enc or resident.phone_enc):
                id_number = self.pii.reveal(resident.id_enc) if resident.id_enc else None
                phone = self.pii.reveal_phone(resident.phone_enc) or None
                shown = "、".join(
                    label for label, value in (("身份证号", id_number), ("手机号", phone)) if value
                )
                session.add(
                    CaseEvent(
                        case_id=case.id or 0,
                        actor=actor,
                        action="reveal_id",
                        note=f"查看完整{shown}",
                    )
                )
                session.flush()
            events = session.execute(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)  # type: ignore[arg-type]
            ).scalars()
            consents = session.execute(
                select(Consent).where(Consent.case_id == case.id).order_by(Consent.id)  # type: ignore[arg-type]
            ).scalars()
            allowed = list(self.rules.workflow(case.kind).allowed(case.status))
            needed = {}
            for to in allowed:
                if rule := self.rules.reason_rule(case.status, to):
                    needed[to] = rule.label
            publicity = self.rules.publicity
            publicizing = case.status == "publicizing"
            started = local_day(case.stage_at)
            return CaseDetail(
                **self._view(case, resident).model_dump(),
                phone=phone,
                phone_masked=resident.phone_masked if resident else None,
                id_number=id_number,
                chat_channel=case.chat_channel,
                household=case.household,
                screening=case.screening,
                recorded_by=case.recorded_by,
                recorded_by_name=case.recorded_by_name,
                decision_reason=case.decision_reason,
                approved_programs=case.approved_programs,
                monthly_amount=case.monthly_amount,
                start_month=case.start_month,
                publicity_ends=publicity.last_day(started) if publicizing else None,
                approvable_from=publicity.approvable_from(started) if publicizing else None,
                reasons_needed=needed,
                allowed_transitions=allowed,
                events=[EventPublic.model_validate(e, from_attributes=True) for e in events],
                consents=[ConsentPublic.model_validate(c, from_attributes=True) for c in consents],
            )

    def queue(
        self,
        *,
        statuses: list[str] | None = None,
        not_statuses: list[str] | None = None,
        kind: str = "",
        channel: str = "",
        township: str | None = None,
        unplaced_kinds: tuple[str, ...] = (),
        limit: int = 200,
    ) -> list[CaseView]:
        """Cases to handle: urgent ones first, then the nearest deadline, then the newest."""
        urgent = or_(Case.priority == "urgent", Case.kind == "urgent")
        life = Case.priority == "life"
        query = select(Case, Resident).outerjoin(
            Resident,
            Resident.id == Case.resident_id,  # type: ignore[arg-type]
        )
        if statuses is not None:
            query = query.where(Case.status.in_(statuses))  # type: ignore[attr-defined]
        if not_statuses:
            query = query.where(Case.status.not_in(not_statuses))  # type: ignore[attr-defined]
        if kind:
            query = query.where(Case.kind == kind)
        if channel:
            query = query.where(Case.channel == channel)
        if township is not None:
            query = query.where(_in_township(township, unplaced_kinds))
        query = query.order_by(
            sql_case((life, 0), (urgent, 1), else_=2),
            sql_case((Case.due_date.is_(None), 1), else_=0),  # type: ignore[union-attr]
            Case.due_date,
            Case.created_at.desc(),  # type: ignore[attr-defined]
            Case.id.desc(),  # type: ignore[union-attr]
        ).limit(limit)
        with self.db.session() as session:
            return [self._view(case, resident) for case, resident in session.execute(query).all()]

    def townships(self) -> set[str]:
        """Every township a case or the roster names."""
        with self.db.session() as session:
            seen = set(session.execute(select(Case.township).distinct()).scalars())
            seen |= set(session.execute(select(Recipient.township).distinct()).scalars())
        return {t for t in seen if t}

    def township_of(self, case_no: str) -> str:
        with self.db.session() as session:
            return self.get(session, case_no).township

    # --- changes ---------------------------------------------------------------------

    def transition(
        self,
        case_no: str,
        to: str | TransitionRequest,
        note: str = "",
        actor: str = "system",
    ) -> CaseView:
        """Move a case one step along its workflow; refuse anything else.

        ``to`` is the status, or a whole ``TransitionRequest`` (reason, message to the
        applicant, approval). The note is internal: it is in the audit trail and the staff
        notification, never in what the applicant is sent."""
        request = to if isinstance(to, TransitionRequest) else TransitionRequest(to=to, note=note)
        with self.db.session() as session:
            case = self.get(session, case_no, lock=True)
            before = case.status
            self._check(case, request)
            now = utcnow()
            self._move(case, request, now)
            session.add(case)
            resident = session.get(Resident, case.resident_id) if case.resident_id else None
            view = self._view(case, resident)
            resident_text, staff_text = self._texts(view, before, request, actor)
            event = CaseEvent(
                case_id=case.id or 0,
                actor=actor,
                action="transition",
                from_status=before,
                to_status=request.to,
                note=request.note,
                message=resident_text,
                at=now,
            )
            session.add(event)
            session.flush()
            to = request.to
            if self.rules.is_terminal(case.kind, to):
                session.execute(delete(OpenClaim).where(OpenClaim.case_id == case.id))  # type: ignore[arg-type]
            if to == "approved" and resident is not None:
                self._join_roster(session, case, resident, actor, now)
            enqueue(
                session,
                sink=self.routing.staff,
                key=f"{case.case_no}:event:{event.id}:staff",
                case_no=case.case_no,
                township=case.township,
                payload={"text": staff_text, "status": to},
            )
            if case.chat_channel and case.chat_sender:
                enqueue(
                    session,
                    sink=self.routing.resident(case.chat_channel),
                    key=f"{case.case_no}:event:{event.id}:resident",
                    case_no=case.case_no,
                    township=case.township,
                    chat_channel=case.chat_channel,
                    chat_sender=case.chat_sender,
                    payload={
                        "chat_channel": case.chat_channel,
                        "sender": case.chat_sender,
                        "text": resident_text,
                        "status": to,
                    },
                )
            return view

    def _join_roster(
        self, session: Session, case: Case, resident: Resident, actor: str, now: datetime
    ) -> None:
        """The approved household on the roster. A case flagged as a possible conflict
        has a person record without the number's look-up hash; staff approving it have
        verified the person (the flag asks them to, the home visit comes first), so the
        approval goes to the roster entry of that 身份证号: it gains the programs and the
        chat is bound to it, while its name, phone and place stay as the roster has them.
        The applicant is told only the approval (``resident_approved``)."""
        if case.conflict_with is None or resident.id_hash or not resident.id_enc:
            join_roster(session, case, resident)
            return
        id_hash = self.pii.id_hash(self.pii.reveal(resident.id_enc))
        if join_roster(session, case, resident, id_hash, keep_details=True) is not None:
            session.add(
                CaseEvent(
                    case_id=case.id or 0,
                    actor=actor,
                    action="roster",
                    note=self.rules.text(
                        "staff_conflict_approved", **self._fields(self._view(case, resident))
                    ),
                    at=now,
                )
            )

    def preview(self, case_no: str, request: TransitionRequest, actor: str) -> TransitionPreview:
        """What ``transition`` would send, checked the same way, without doing it."""
        with self.db.session() as session:
            case = self.get(session, case_no)
            before = case.status
            self._check(case, request)
            draft = Case(**case.model_dump())  # a copy outside the session: nothing is saved
            self._move(draft, request, utcnow())
            resident = session.get(Resident, case.resident_id) if case.resident_id else None
            resident_text, staff_text = self._texts(
                self._view(draft, resident), before, request, actor
            )
            return TransitionPreview(
                case_no=case.case_no,
                to=request.to,
                stage=self.rules.labels.get(request.to, request.to),
                resident_text=resident_text,
                reaches_resident=bool(case.chat_channel and case.chat_sender),
                staff_text=staff_text,
            )

    def _check(self, case: Case, request: TransitionRequest) -> None:
        """Refuse a step the rules do not allow: not in the workflow, a refusal or objection
        without its reason, an approval before 公示 has ended or without its details."""
        rules = self.rules
        to = request.to
        allowed = rules.workflow(case.kind).allowed(case.status)
        label = rules.labels.get(case.status, case.status)
        if to not in allowed:
            options = "、".join(allowed) if allowed else "无（已办结）"
            raise InvalidTransition(
                f"案件 {case.case_no} 当前为「{label}」，不能转为 {to}；可转为：{options}"
            )
        rule = rules.reason_rule(case.status, to)
        if rule is not None and not request.reason:
            raise InvalidTransition(f"请写明{rule.label}：理由会告知申请人")
        if to != "approved" or case.kind != rules.application_kind:
            if request.approval is not None:
                raise InvalidInput("只有批准时才填写批准的项目、金额和开始月份")
            return
        if case.status == "publicizing":
            started = local_day(case.stage_at)
            possible = rules.publicity.approvable_from(started)
            today = local_day(utcnow())
            if today < possible:
                last = rules.publicity.last_day(started)
                raise TooEarly(
                    f"案件 {case.case_no} 的公示须满{rules.publicity.days}天"
                    f"（{started.isoformat()}开始公示，到{last.isoformat()}期满），"
                    f"{possible.isoformat()}起才能批准",
                    possible,
                )
        self._check_approval(case, request.approval)

    def _check_approval(self, case: Case, approval: Approval | None) -> None:
        if approval is None:
            raise InvalidInput("批准须填写批准的项目、每月金额和开始发放的月份")
        rule = self.rules.approval
        unknown = [p for p in approval.programs if not is_program(p)]
        if unknown:
            raise InvalidInput(f"未知的救助项目：{'、'.join(unknown)}")
        others = [p for p in approval.programs if p not in case.programs]
        if others:
            asked = "、".join(program_name(p) for p in case.programs)
            raise InvalidInput(
                f"批准的项目须是申请的项目（{asked}）；"
                f"{'、'.join(program_name(p) for p in others)}请另行申请"
            )
        if approval.monthly_amount > rule.max_monthly_amount:
            raise InvalidInput(
                f"每月金额{_money(approval.monthly_amount)}元超过{_money(rule.max_monthly_amount)}元，"
                "请核对是否多输了位数"
            )
        start = _month(approval.start_month)
        applied = local_day(case.created_at).replace(day=1)
        today = local_day(utcnow())
        latest = _add_months(today.replace(day=1), rule.start_months_ahead)
        if start < applied:
            raise InvalidInput(
                f"开始发放的月份不能早于申请的月份（{applied.year}年{applied.month}月）"
            )
        if start > latest:
            raise InvalidInput(f"开始发放的月份不能晚于{latest.year}年{latest.month}月，请核对")

    def _move(self, case: Case, request: TransitionRequest, now: datetime) -> None:
        to = request.to
        case.status = to
        case.stage_at = now
        case.updated_at = now
        if to == "accepted":
            case.accepted_at = now
        if to == "rejected":
            case.decision_reason = request.reason
        if to == "approved" and request.approval is not None:
            approval = request.approval
            case.approved_programs = list(dict.fromkeys(approval.programs))
            case.monthly_amount = round(approval.monthly_amount, 2)
            case.start_month = approval.start_month
        case.due_date = self._due(case)

    def _texts(
        self, view: CaseView, before: str, request: TransitionRequest, actor: str
    ) -> tuple[str, str]:
        """What the applicant reads, and what staff read, for a step into ``view``'s status."""
        rules = self.rules
        approval = request.approval if request.to == "approved" else None
        fields = {
            **self._fields(view),
            "note": request.note,
            "reason": _sentence(request.reason),
            "message": request.message,
            "actor": actor_name(actor),
            "review": rules.text(
                "resident_review",
                days=rules.review.days,
                authority=rules.review.authority,
                hotline=rules.review.hotline,
                township=view.township,
            ),
            "approved_programs": (
                "、".join(program_name(p) for p in approval.programs) if approval else ""
            ),
            "amount": _money(approval.monthly_amount) if approval else "",
            "start": _month_label(approval.start_month) if approval else "",
        }
        rule = rules.reason_rule(before, request.to)
        if approval is not None:
            template = "resident_approved"
        elif rule is not None:
            template = rule.notification
        else:
            template = "resident_transition"
        staff_text = rules.text("staff_transition", **fields)
        if approval is not None and view.conflict_with:  # staff see what approving it does
            staff_text += "\n" + rules.text("staff_conflict_approved", **fields)
        return rules.text(template, **fields), staff_text

    def extend(self, case_no: str, note: str, actor: str) -> CaseView:
        """Record a deadline extension (低保: 45 instead of 30 working days); needs reasons."""
        if not note.strip():
            raise InvalidInput("延期须写明理由")
        with self.db.session() as session:
            case = self.get(session, case_no, lock=True)
            rule = self.rules.deadline_rule(case.kind, case.status, case.priority)
            if rule is None or not rule.extended_days:
                label = self.rules.labels.get(case.status, case.status)
                raise InvalidTransition(f"案件 {case.case_no} 当前为「{label}」，不能延期")
            if case.extended:
                raise InvalidTransition(f"案件 {case.case_no} 已经延期过")
            case.extended = True
            case.due_date = self._due(case)
            case.updated_at = utcnow()
            session.add(case)
            event = CaseEvent(case_id=case.id or 0, actor=actor, action="extend", note=note)
            session.add(event)
            session.flush()
            view = self.view(session, case)
            enqueue(
                session,
                sink=self.routing.staff,
                key=f"{case.case_no}:event:{event.id}:staff",
                case_no=case.case_no,
                township=case.township,
                payload={
                    "text": self.rules.text("staff_extension", **self._fields(view), note=note),
                    "status": case.status,
                },
            )
            return view

    def preview_message(self, case_no: str, text: str) -> MessagePreview:
        """The message ``message_resident`` would send, as the applicant will read it."""
        if not text.strip():
            raise InvalidInput("消息内容不能为空")
        with self.db.session() as session:
            case = self.get(session, case_no)
            return MessagePreview(
                case_no=case.case_no,
                resident_text=self.rules.text(
                    "resident_message", case_no=case.case_no, text=text.strip()
                ),
                reaches_resident=bool(case.chat_channel and case.chat_sender),
            )

    def add_staff_note(self, case_no: str, note: str, actor: str) -> None:
        """An internal note on the case: in its history for staff, never sent to anyone."""
        if not note.strip():
            raise InvalidInput("备注内容不能为空")
        with self.db.session() as session:
            case = self.get(session, case_no, lock=True)
            session.add(
                CaseEvent(case_id=case.id or 0, actor=actor, action="note", note=note.strip())
            )
            case.updated_at = utcnow()
            session.add(case)

    def message_resident(self, case_no: str, text: str, actor: str) -> str:
        """Queue a staff message to the resident's chat account; returns its outbox key."""
        if not text.strip():
            raise InvalidInput("消息内容不能为空")
        with self.db.session() as session:
            case = self.get(session, case_no)
            if not (case.chat_channel and case.chat_sender):
                raise InvalidInput(f"案件 {case.case_no} 没有可联系的聊天账号")
            sent = self.rules.text("resident_message", case_no=case.case_no, text=text.strip())
            event = CaseEvent(
                case_id=case.id or 0, actor=actor, action="message", note=text.strip(), message=sent
            )
            session.add(event)
            session.flush()
            key = f"{case.case_no}:message:{event.id}"
            enqueue(
                session,
                sink=self.routing.resident(case.chat_channel),
                key=key,
                case_no=case.case_no,
                township=case.township,
                chat_channel=case.chat_channel,
                chat_sender=case.chat_sender,
                payload={
                    "chat_channel": case.chat_channel,
                    "sender": case.chat_sender,
                    "text": sent,
                },
            )
            return key

    # --- views -----------------------------------------------------------------------

    def view(self, session: Session, case: Case) -> CaseView:
        resident = session.get(Resident, case.resident_id) if case.resident_id else None
        return self._view(case, resident)

    def _due(self, case: Case) -> Any:
        return self.rules.due_date(
            case.kind,
            case.status,
            case.priority,
            stage_day=local_day(case.stage_at),
            accepted_day=local_day(case.accepted_at) if case.accepted_at else None,
            extended=case.extended,
        )

    def _view(self, case: Case, resident: Resident | None) -> CaseView:
        rules = self.rules
        next_step = rules.next_steps.get(case.status, "")
        if case.priority in URGENT_PRIORITIES and case.status == "open":
            next_step = "工作人员当天处理"
        return CaseView(
            case_no=case.case_no,
            kind=case.kind,
            kind_label=rules.kinds.get(case.kind, case.kind),
            programs=list(case.programs),
            status=case.status,
            stage=rules.labels.get(case.status, case.status),
            stage_date=local_day(case.stage_at),
            next_step=next_step,
            deadline=case.due_date,
            channel=case.channel,
            priority=case.priority,
            township=case.township,
            village=case.village,
            applicant_name=resident.name if resident else "",
            id_masked=resident.id_masked if resident else None,
            summary=case.summary,
            created_at=case.created_at,
            related_case_no=case.related_case_no,
            conflict_with=case.conflict_with,
        )

    def _fields(self, view: CaseView) -> dict[str, Any]:
        return {
            "case_no": view.case_no,
            "kind": view.kind_label,
            "stage": view.stage,
            "next_step": view.next_step,
            "deadline": view.deadline.isoformat() if view.deadline else "",
            "name": view.applicant_name,
            "id_masked": view.id_masked or "",
            "township": view.township,
            "village": view.village,
            "summary": view.summary,
            "conflict_with": view.conflict_with or "",
            "programs": "、".join(program_name(p) for p in view.programs),
            "by_when": f"，预计{view.deadline.isoformat()}前" if view.deadline else "",
            # "王建国（4309**********1231）", "王建国", or nothing for an anonymous report
            "who": (
                f"{view.applicant_name}（{view.id_masked}）"
                if view.applicant_name and view.id_masked
                else view.applicant_name or ""
            ),
        }


def _in_township(township: str, unplaced_kinds: tuple[str, ...]) -> Any:
    """The cases of ``township`` — and those of ``unplaced_kinds`` whose place is not
    known yet (an urgent case nobody has placed: every caseworker sees it)."""
    if not unplaced_kinds:
        return Case.township == township
    unplaced = (Case.township == "") & Case.kind.in_(unplaced_kinds)  # type: ignore[attr-defined]
    return or_(Case.township == township, unplaced)


def actor_name(actor: str) -> str:
    """The person in an audit actor ("staff:3 李娟" → "李娟"; "resident" stays)."""
    head, _, name = actor.partition(" ")
    if name and (head.startswith("staff:") or head == "admin-token"):
        return name
    return actor


def _sentence(text: str) -> str:
    """A reason as it goes into "理由：{reason}。": without its own final stop."""
    return text.strip().rstrip("。．.；;，, ")


def _money(amount: float) -> str:
    """1172.0 → "1172", 1172.5 → "1172.50"."""
    return f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def _month_label(text: str) -> str:
    start = _month(text)
    return f"{start.year}年{start.month}月"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
