"""Case service: opening cases (numbering, de-duplication, consents), looking them up,
moving them along the workflow, staff messages to residents — each change with its audit
event and outbox rows in one transaction."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from backend.clock import CHINA, local_day, utcnow
from backend.db import Database
from backend.errors import InvalidInput, InvalidTransition, NotFound
from backend.models import (
    Case,
    CaseEvent,
    ChatBinding,
    Consent,
    OpenClaim,
    Recipient,
    RecipientProgram,
    Resident,
)
from backend.numbering import next_case_no
from backend.outbox import enqueue
from backend.pii import PersonalData
from backend.programs import is_program, program_name
from backend.routing import Routing
from backend.rules import Rules
from backend.schemas import (
    CaseCreate,
    CaseDetail,
    CaseOutcome,
    CaseView,
    ConsentPublic,
    EventPublic,
)
from backend.sqlhelp import dialect_insert, is_postgres
from base.messages import is_verified
from nlu.validators import id_number_problem, phone_problem

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
            raise InvalidInput("优先级应为 urgent 或 normal")
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
            household=data.household,
            screening=data.screening,
            created_at=now,
            updated_at=now,
            stage_at=now,
            conflict_with=conflict_with,
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
        actor = f"staff:{data.recorded_by}" if data.recorded_by else "resident"
        session.add(
            CaseEvent(
                case_id=case.id or 0,
                actor=actor,
                action="created",
                to_status=case.status,
                note=f"{data.channel}",
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
        template = "staff_new_urgent" if case.priority == "urgent" else "staff_new_case"
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
            resident = Resident(name=applicant.name.strip(), phone=applicant.phone)
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
                phone=applicant.phone,
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
                phone=applicant.phone,
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
            name, phone = data.applicant.name.strip(), data.applicant.phone or ""
            known = resident or recipient
            return known is not None and known.name == name and (known.phone or "") == phone
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

    def _update_details(self, session: Session, resident: Resident, data: CaseCreate) -> None:
        applicant = data.applicant
        changed = False
        if applicant.name.strip() and resident.name != applicant.name.strip():
            resident.name, changed = applicant.name.strip(), True
        if applicant.phone and resident.phone != applicant.phone:
            resident.phone, changed = applicant.phone, True
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
            query = query.where(Case.township == township)
        query = query.order_by(Case.id.desc())  # type: ignore[union-attr]  # newest first
        with self.db.session() as session:
            rows = session.execute(query.limit(limit).offset(offset)).all()
            return [self._view(case, resident) for case, resident in rows]

    def detail(self, case_no: str, *, reveal: bool = False, actor: str = "") -> CaseDetail:
        """The staff detail view. ``reveal=True`` decrypts the 身份证号 and records who did."""
        with self.db.session() as session:
            case = self.get(session, case_no)
            resident = session.get(Resident, case.resident_id) if case.resident_id else None
            id_number = None
            if reveal and resident is not None and resident.id_enc:
                id_number = self.pii.reveal(resident.id_enc)
                session.add(
                    CaseEvent(
                        case_id=case.id or 0,
                        actor=actor,
                        action="reveal_id",
                        note="查看完整身份证号",
                    )
                )
                session.flush()
            events = session.execute(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)  # type: ignore[arg-type]
            ).scalars()
            consents = session.execute(
                select(Consent).where(Consent.case_id == case.id).order_by(Consent.id)  # type: ignore[arg-type]
            ).scalars()
            return CaseDetail(
                **self._view(case, resident).model_dump(),
                phone=resident.phone if resident else None,
                id_number=id_number,
                chat_channel=case.chat_channel,
                household=case.household,
                screening=case.screening,
                recorded_by=case.recorded_by,
                allowed_transitions=list(self.rules.workflow(case.kind).allowed(case.status)),
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
        limit: int = 200,
    ) -> list[CaseView]:
        """Cases to handle: urgent ones first, then the nearest deadline, then the newest."""
        urgent = or_(Case.priority == "urgent", Case.kind == "urgent")
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
            query = query.where(Case.township == township)
        query = query.order_by(
            sql_case((urgent, 0), else_=1),
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

    def transition(self, case_no: str, to: str, note: str, actor: str) -> CaseView:
        """Move a case one step along its workflow; refuse anything else."""
        with self.db.session() as session:
            case = self.get(session, case_no, lock=True)
            allowed = self.rules.workflow(case.kind).allowed(case.status)
            if to not in allowed:
                label = self.rules.labels.get(case.status, case.status)
                options = "、".join(allowed) if allowed else "无（已办结）"
                raise InvalidTransition(
                    f"案件 {case.case_no} 当前为「{label}」，不能转为 {to}；可转为：{options}"
                )
            if to == "rejected" and not note.strip():
                raise InvalidTransition("不予批准须写明理由")
            now = utcnow()
            before = case.status
            case.status = to
            case.stage_at = now
            case.updated_at = now
            if to == "accepted":
                case.accepted_at = now
            case.due_date = self._due(case)
            session.add(case)
            event = CaseEvent(
                case_id=case.id or 0,
                actor=actor,
                action="transition",
                from_status=before,
                to_status=to,
                note=note,
                at=now,
            )
            session.add(event)
            session.flush()
            if self.rules.is_terminal(case.kind, to):
                session.execute(delete(OpenClaim).where(OpenClaim.case_id == case.id))  # type: ignore[arg-type]
            resident = session.get(Resident, case.resident_id) if case.resident_id else None
            view = self._view(case, resident)
            fields = {**self._fields(view), "note": note}
            enqueue(
                session,
                sink=self.routing.staff,
                key=f"{case.case_no}:event:{event.id}:staff",
                case_no=case.case_no,
                township=case.township,
                payload={"text": self.rules.text("staff_transition", **fields), "status": to},
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
                        "text": self.rules.text("resident_transition", **fields),
                        "status": to,
                    },
                )
            return view

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

    def message_resident(self, case_no: str, text: str, actor: str) -> str:
        """Queue a staff message to the resident's chat account; returns its outbox key."""
        if not text.strip():
            raise InvalidInput("消息内容不能为空")
        with self.db.session() as session:
            case = self.get(session, case_no)
            if not (case.chat_channel and case.chat_sender):
                raise InvalidInput(f"案件 {case.case_no} 没有可联系的聊天账号")
            event = CaseEvent(case_id=case.id or 0, actor=actor, action="message", note=text)
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
                    "text": self.rules.text("resident_message", case_no=case.case_no, text=text),
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
        if case.priority == "urgent" and case.status == "open":
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
