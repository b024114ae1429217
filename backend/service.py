"""``Backend`` — the one facade the chat flows, the HTTP API and the CLI call.

Build it from ``Settings`` (nothing connects until first use)::

    backend = Backend(settings)
    backend.migrate()                      # start-up: Alembic to head
    outcome = backend.create_case("application", programs=["dibao"], applicant=Applicant(...),
                                  channel="网上办", chat_channel="telegram", chat_sender="42")

Methods are synchronous (one short transaction each). From async code call them in a
worker thread: ``await backend.run(backend.find_case, "JZ20261123-0007")``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from functools import cached_property, partial
from typing import Any, TypeVar

import anyio

from backend.cases import CaseService
from backend.checkins import CheckInService
from backend.clock import local_day, utcnow
from backend.db import Database, migrate_engine
from backend.limits import Limits
from backend.models import Case, OutboxMessage
from backend.outbox import Dispatcher, Sink, inbox_is_empty_now, take_inbox
from backend.pii import PersonalData
from backend.roster import RosterService
from backend.routing import STAFF_SINKS, Routing
from backend.rules import Rules, load_rules
from backend.schemas import (
    Applicant,
    CaseCreate,
    CaseDetail,
    CaseOutcome,
    CaseView,
    CheckInOutcome,
    CheckInPublic,
    ConsentIn,
    ImportResult,
    MessagePreview,
    MissingPage,
    RecipientPublic,
    StaffCreated,
    StaffPublic,
    Stats,
    TransitionPreview,
    TransitionRequest,
)
from backend.staff import StaffService
from backend.stats import case_stats
from base.messages import is_verified
from base.settings import Settings

T = TypeVar("T")
log = logging.getLogger(__name__)


class Backend:
    """Cases, staff, roster, check-ins and the notification outbox."""

    def __init__(self, settings: Settings, rules: Rules | None = None) -> None:
        self.settings = settings
        self.rules = rules or load_rules()
        self.db = Database(settings.database_url)
        self.pii = PersonalData(settings.secret_key, settings.old_keys)
        self.routing = Routing.from_settings(settings)  # the sinks rows are written to
        self.sinks: dict[str, Sink] = {}  # the sinks this process delivers

    # --- plumbing --------------------------------------------------------------------

    def migrate(self) -> None:
        """Apply the Alembic migrations (same on SQLite and PostgreSQL)."""
        self.settings.ensure_var_dir()
        migrate_engine(self.db.engine, pii=self.pii)
        warning = self.rules.calendar.warning(local_day(utcnow()))
        if warning:
            log.warning("%s", warning)

    async def run(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a facade method in a worker thread (for async callers)."""
        return await anyio.to_thread.run_sync(partial(func, *args, **kwargs))

    def close(self) -> None:
        self.db.dispose()

    @cached_property
    def cases(self) -> CaseService:
        return CaseService(self.db, self.rules, self.pii, self.routing)

    @cached_property
    def staff(self) -> StaffService:
        return StaffService(self.db, self.pii, self.settings.admin_token)

    @cached_property
    def roster(self) -> RosterService:
        return RosterService(self.db, self.pii)

    @cached_property
    def limits(self) -> Limits:
        """Failure counters shared by every process (status look-ups, binding, sign-in)."""
        return Limits(self.db)

    @cached_property
    def checkins(self) -> CheckInService:
        return CheckInService(self.db, self.cases)

    # --- cases -----------------------------------------------------------------------

    def create_case(
        self,
        kind: str,
        *,
        programs: Sequence[str] = (),
        applicant: Applicant | dict[str, Any] | None = None,
        channel: str = "网上办",
        chat_channel: str | None = None,
        chat_sender: str | None = None,
        township: str = "",
        village: str = "",
        household: dict[str, Any] | None = None,
        screening: dict[str, Any] | None = None,
        priority: str = "normal",
        recorded_by: int | None = None,
        consents: Sequence[tuple[str, str] | ConsentIn] = (),
        summary: str = "",
        related_case_no: str | None = None,
    ) -> CaseOutcome:
        """Open a case. ``kind`` 'application' needs programs and the applicant's name and
        身份证号; other kinds (urgent, discovery_report, feedback, handoff, change_report,
        checkin_followup) do not. Returns the new case (``created``), the person's open
        case for the same program (``duplicate``), or ``already_recipient`` when the
        person already receives every program asked for. Raises ``InvalidInput``."""
        if isinstance(applicant, dict):
            applicant = Applicant(**applicant)
        data = CaseCreate(
            kind=kind,
            programs=list(programs),
            channel=channel,
            township=township,
            village=village,
            priority=priority,
            summary=summary,
            applicant=applicant or Applicant(),
            chat_channel=chat_channel,
            chat_sender=chat_sender,
            household=household,
            screening=screening,
            recorded_by=recorded_by,
            related_case_no=related_case_no,
            consents=[
                c if isinstance(c, ConsentIn) else ConsentIn(text_id=c[0], text_version=c[1])
                for c in consents
            ],
        )
        return self.cases.create(data)

    def create_cases(self, items: Sequence[CaseCreate]) -> list[CaseOutcome]:
        """Open several cases in one transaction (an application for several programs:
        one case each); every one is checked first, so a bad one opens none."""
        return self.cases.create_many(list(items))

    def find_case(self, case_no: str) -> CaseView | None:
        return self.cases.find(case_no)

    def cases_for_sender(self, chat_channel: str, sender: str) -> list[CaseView]:
        """Cases opened from this chat account, newest first."""
        return self.cases.for_sender(chat_channel, sender)

    def verify_case_identity(self, case_no: str, id_last6: str) -> CaseView | None:
        """The case when the last 6 characters of the applicant's 身份证号 match."""
        return self.cases.verify_identity(case_no, id_last6)

    def list_cases(
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
        """``unplaced_kinds``: with ``township``, cases of these kinds without one too."""
        return self.cases.list(
            status=status,
            kind=kind,
            since=since,
            township=township,
            unplaced_kinds=unplaced_kinds,
            limit=limit,
            offset=offset,
        )

    def work_queue(
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
        """Cases to handle: urgent first, then the nearest deadline, then the newest."""
        return self.cases.queue(
            statuses=statuses,
            not_statuses=not_statuses,
            kind=kind,
            channel=channel,
            township=township,
            unplaced_kinds=unplaced_kinds,
            limit=limit,
        )

    def case_townships(self) -> set[str]:
        """Every township named by a case or by the roster."""
        return self.cases.townships()

    def case_detail(self, case_no: str, *, reveal: bool = False, actor: str = "") -> CaseDetail:
        """Staff detail view; ``reveal=True`` shows the whole 身份证号 and audits it."""
        return self.cases.detail(case_no, reveal=reveal, actor=actor)

    def transition(
        self,
        case_no: str,
        to: str | TransitionRequest,
        note: str = "",
        actor: str = "system",
    ) -> CaseView:
        """Move along the workflow (raises ``InvalidTransition`` otherwise); writes the
        audit event and the staff/resident notifications in the same transaction.
        ``to`` is a status or a ``TransitionRequest`` (reason, message, approval); the
        note is internal and never sent to the applicant."""
        return self.cases.transition(case_no, to, note, actor)

    def preview_transition(
        self, case_no: str, request: TransitionRequest, actor: str = "system"
    ) -> TransitionPreview:
        """What a transition would tell the applicant and staff, checked, not done."""
        return self.cases.preview(case_no, request, actor)

    def add_staff_note(self, case_no: str, note: str, actor: str) -> None:
        """An internal note in the case's history (never sent to the applicant)."""
        self.cases.add_staff_note(case_no, note, actor)

    def preview_message(self, case_no: str, text: str) -> MessagePreview:
        """A message to the applicant as they will read it (not sent)."""
        return self.cases.preview_message(case_no, text)

    def extend_deadline(self, case_no: str, note: str, actor: str) -> CaseView:
        """Record an extension of the decision deadline (低保: 45 working days)."""
        return self.cases.extend(case_no, note, actor)

    def add_note(self, case_no: str, note: str, *, staff_text: str, **details: Any) -> None:
        """Add what a resident told after the case was opened (see ``backend.notes``)."""
        from backend.notes import add_note

        add_note(self, case_no, note, staff_text=staff_text, **details)

    def assign_case(self, case_no: str, staff: StaffPublic, note: str = "") -> CaseView:
        """Make ``staff`` the case's assignee (raises ``NotFound``); the event names who."""
        from backend.assignment import assign_case

        return assign_case(self, case_no, staff, note)

    def message_resident(self, case_no: str, text: str, actor: str) -> str:
        """Queue a staff message to the resident's chat (``resident:…``); returns its key."""
        return self.cases.message_resident(case_no, text, actor)

    def stats(self, township: str | None = None) -> Stats:
        return case_stats(self.db, township)

    # --- staff -----------------------------------------------------------------------

    def create_staff(self, name: str, role: str, region: str = "") -> tuple[StaffPublic, str]:
        """Create a staff account; the token is returned once and only its hash is kept."""
        created: StaffCreated = self.staff.create(name, role, region)
        return StaffPublic(**created.model_dump(exclude={"token"})), created.token

    def revoke_staff(self, staff_id: int) -> StaffPublic:
        """Deactivate an account: its token, console sessions and bound chats stop at
        once (raises ``NotFound``)."""
        return self.staff.revoke(staff_id)

    def list_staff(self) -> list[StaffPublic]:
        return self.staff.all()

    def staff_for_token(self, token: str | None) -> StaffPublic | None:
        """The staff member for a bearer token (``JIUZHU_ADMIN_TOKEN`` = admin)."""
        return self.staff.for_token(token)

    def staff_active(self, staff_id: int) -> bool:
        """Whether the account still exists and is active (a deactivated one signs out)."""
        from sqlalchemy import select

        from backend.models import Staff

        with self.db.session() as session:
            active = session.execute(select(Staff.active).where(Staff.id == staff_id)).scalar()
        return bool(active)

    def bind_staff_chat(self, token: str, chat_channel: str, sender: str) -> StaffPublic | None:
        return self.staff.bind_chat(token, chat_channel, sender)

    def staff_for_chat(self, chat_channel: str, sender: str) -> StaffPublic | None:
        return self.staff.for_chat(chat_channel, sender)

    # --- roster and check-ins ----------------------------------------------------------

    def import_recipients(self, data: bytes, filename: str) -> ImportResult:
        return self.roster.import_file(data, filename)

    def bind_recipient(
        self, chat_channel: str, sender: str, name: str, id_number: str, phone: str | None = None
    ) -> RecipientPublic | None:
        return self.roster.bind_chat(chat_channel, sender, name, id_number, phone)

    def recipient_for_chat(self, chat_channel: str, sender: str) -> RecipientPublic | None:
        return self.roster.for_chat(chat_channel, sender)

    def record_checkin(
        self,
        recipient: RecipientPublic | int,
        quarter: str,
        answers: dict[str, Any] | None = None,
        changes: Sequence[str] = (),
        *,
        channel: str = "掌上办",
        recorded_by: int | None = None,
    ) -> CheckInOutcome:
        """Record the quarter's check-in; reported changes open a ``change_report`` case."""
        rid = recipient if isinstance(recipient, int) else recipient.id
        return self.checkins.record(
            rid, quarter, answers or {}, list(changes), channel=channel, recorded_by=recorded_by
        )

    def checkin_done(self, recipient: RecipientPublic | int, quarter: str) -> bool:
        rid = recipient if isinstance(recipient, int) else recipient.id
        return self.checkins.done(rid, quarter)

    def list_checkins(self, quarter: str, township: str | None = None) -> list[CheckInPublic]:
        return self.checkins.list(quarter, township)

    def missing_checkins(
        self, quarter: str, township: str | None = None, limit: int = 1000, offset: int = 0
    ) -> MissingPage:
        return self.checkins.missing(quarter, township, limit, offset)

    # --- outbox ----------------------------------------------------------------------

    def register_sink(self, name: str, sink: Sink) -> None:
        """Register an async callable receiving ``Delivery`` objects for sink ``name``."""
        self.sinks[name] = sink

    def dispatcher(self, **options: Any) -> Dispatcher:
        """A dispatcher over the sinks registered so far (see ``backend.outbox``)."""
        return Dispatcher(self.db, self.sinks, **options)

    def take_inbox(
        self, chat_channel: str, sender: str, conversation: Collection[str] = ()
    ) -> list[str]:
        """Messages waiting for a chat account that cannot be pushed to (``resident:inbox``),
        oldest first; marked delivered as they are taken, so each is shown once.

        An unauthenticated sender (``base.messages.is_verified``) gets in full only the
        messages of the 转人工 case it is talking in (``conversation``: its number); of any other it is
        told that there is news, and how to see it (case number + last 6 of the ID)."""
        if not self.routing.keeps_inbox(chat_channel):
            return []
        taken = take_inbox(self.db, chat_channel, sender)
        # a 转人工 case holds no ID to prove: its replies were written to this chat account
        # (probeI H9: a reply after 回到小助手 reaches the resident, with how to answer)
        handoffs = {
            d.case_no
            for d in taken
            if d.case_no
            and d.case_no not in conversation
            and (found := self.find_case(d.case_no)) is not None
            and found.kind == "handoff"
        }
        hint = [self.rules.text("resident_reply_hint")] if handoffs else []
        if is_verified(sender):
            return [delivery.text for delivery in taken] + hint
        shown = [d.text for d in taken if d.case_no in conversation or d.case_no in handoffs]
        withheld = len(shown) < len(taken)
        return [*shown, *hint, *([self.rules.text("resident_withheld")] if withheld else [])]

    def inbox_empty_now(self, chat_channel: str, sender: str) -> bool:
        """True when ``take_inbox`` would surely give nothing, known at once (no inbox on
        this channel, or none waiting, read without waiting): the turn then skips it."""
        if not self.routing.keeps_inbox(chat_channel):
            return True
        return inbox_is_empty_now(self.db, chat_channel, sender)

    def staff_messages(self, case_no: str, limit: int = 3) -> list[str]:
        """The newest staff messages to a case's applicant (shown after identity is proven)."""
        return self.cases.staff_messages(case_no, limit)

    def notify_staff(
        self,
        key: str,
        text: str,
        *,
        case_no: str | None = None,
        township: str = "",
        **payload: Any,
    ) -> None:
        """Queue a staff notification of its own (not a case change); a repeated key is
        written once."""
        from backend.outbox import enqueue

        with self.db.session() as session:
            enqueue(
                session,
                sink=self.routing.staff,
                key=key,
                case_no=case_no,
                township=township,
                payload={"text": text, **payload},
            )

    def notifications(
        self,
        *,
        township: str | None = None,
        unplaced_kinds: tuple[str, ...] = (),
        after_id: int = 0,
        limit: int = 50,
    ) -> list[OutboxMessage]:
        """The staff notification feed (outbox rows of the ``staff:…`` sinks), oldest first.
        With ``township``: its rows, and the rows without a township of a case of
        ``unplaced_kinds`` that is still unplaced or has been placed there since — the
        same cases the case list shows (``CaseService.list``)."""
        from sqlalchemy import or_, select

        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.sink.in_(STAFF_SINKS),  # type: ignore[attr-defined]
                OutboxMessage.id > after_id,  # type: ignore[operator]
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if township is not None:
            here = OutboxMessage.township == township
            if unplaced_kinds:
                unplaced = select(Case.case_no).where(
                    Case.kind.in_(unplaced_kinds),  # type: ignore[attr-defined]
                    Case.township.in_(("", township)),  # type: ignore[attr-defined]
                )
                of_case = OutboxMessage.case_no.in_(unplaced)  # type: ignore[union-attr]
                here = or_(here, (OutboxMessage.township == "") & of_case)
            query = query.where(here)
        with self.db.session() as session:
            return list(session.execute(query).scalars())
