"""Staff console sessions and the sign-in limit, kept in the case database.

Every server process (``jiuzhu serve --workers N``, or several hosts on one database)
sees the same sessions: a sign-in on one is valid on the others, and a sign-out or an
expiry on one ends the session on all. The cookie carries the random session id (and
the console's HMAC of it); the table keeps only the SHA-256 of the id, the staff
member, the CSRF token, when the session expires, and the flash messages waiting for
the next page.

A session ends two hours after its last use and twelve hours after sign-in in any
case; a deactivated account (or, for the environment admin, a removed
``JIUZHU_ADMIN_TOKEN``) ends its sessions at their next request.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from backend.db import Database
from backend.limits import Limit, Limits
from backend.models import ConsoleSessionRow, Staff
from backend.schemas import StaffPublic
from backend.staff import ENV_ADMIN, StaffService

Clock = Callable[[], float]

IDLE_SECONDS = 2 * 3600  # signed out after two hours without a request
ABSOLUTE_SECONDS = 12 * 3600  # and after twelve hours in any case
# The expiry is moved on at most this often (not at every live-refresh of a page), so
# an idle session may end up to this much before the full two hours.
TOUCH_SECONDS = 60
FAILED_SIGNIN_LIMIT = 10
FAILED_SIGNIN_WINDOW = 15 * 60
SIGNIN_LIMIT = Limit(failures=FAILED_SIGNIN_LIMIT, window=timedelta(seconds=FAILED_SIGNIN_WINDOW))


def sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite gives the stored UTC moment back without its zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass
class ConsoleSession:
    """One signed-in console session, as a request sees it."""

    sid: str
    staff: StaffPublic
    csrf: str
    created: datetime
    expires: datetime
    flashes: list[tuple[str, str]] = field(default_factory=list)
    store: ConsoleSessions | None = field(default=None, repr=False, compare=False)

    def flash(self, text: str, level: str = "ok") -> None:
        """A message for the next page this session shows (kept in the database)."""
        self.flashes.append((level, text))
        if self.store is not None:
            self.store.add_flash(self.sid, level, text)

    def take_flashes(self) -> list[tuple[str, str]]:
        """The waiting messages, removed; only a session that had some asks the database."""
        if not self.flashes:
            return []
        self.flashes = []
        if self.store is None:
            return []
        return self.store.take_flashes(self.sid)


class ConsoleSessions:
    def __init__(
        self,
        database: Database,
        staff: StaffService,
        limits: Limits,
        clock: Clock = time.time,
        idle: float = IDLE_SECONDS,
        absolute: float = ABSOLUTE_SECONDS,
    ) -> None:
        self.db = database
        self.staff = staff
        self.limits = limits
        self.clock = clock
        self.idle = timedelta(seconds=idle)
        self.absolute = timedelta(seconds=absolute)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    # --- sessions ----------------------------------------------------------------------

    def create(self, staff: StaffPublic) -> ConsoleSession:
        """A new session for ``staff`` (expired sessions of anyone are dropped on the way)."""
        now = self._now()
        sid = secrets.token_urlsafe(32)
        row = ConsoleSessionRow(
            sid_hash=sid_hash(sid),
            staff_id=staff.id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=min(now + self.idle, now + self.absolute),
        )
        with self.db.session() as session:
            session.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.expires_at <= now))
            session.add(row)
        return ConsoleSession(sid, staff, row.csrf, now, row.expires_at, store=self)

    def get(self, sid: str | None) -> ConsoleSession | None:
        """The live session of ``sid``, its expiry moved on; None when there is none."""
        if not sid:
            return None
        now = self._now()
        with self.db.session() as session:
            found = session.execute(
                select(ConsoleSessionRow, Staff)
                .outerjoin(Staff, Staff.id == ConsoleSessionRow.staff_id)  # type: ignore[arg-type]
                .where(ConsoleSessionRow.sid_hash == sid_hash(sid))
            ).first()
            if found is None:
                return None
            row, staff_row = found
            staff = self._allowed(row, staff_row)
            expires = _aware(row.expires_at)
            if staff is None or expires <= now:
                session.delete(row)
                return None
            created = _aware(row.created_at)
            moved = min(now + self.idle, created + self.absolute)
            if moved - expires >= timedelta(seconds=TOUCH_SECONDS):
                row.expires_at = expires = moved
            flashes = [(str(level), str(text)) for level, text in row.flashes or []]
            return ConsoleSession(sid, staff, row.csrf, created, expires, flashes, store=self)

    def _allowed(self, row: ConsoleSessionRow, staff: Staff | None) -> StaffPublic | None:
        if row.staff_id is None:
            return ENV_ADMIN if self.staff.admin_token else None
        if staff is None or not staff.active:
            return None
        return StaffPublic.model_validate(staff, from_attributes=True)

    def end(self, sid: str | None) -> None:
        if not sid:
            return
        with self.db.session() as session:
            session.execute(
                delete(ConsoleSessionRow).where(ConsoleSessionRow.sid_hash == sid_hash(sid))
            )

    # --- flash messages ----------------------------------------------------------------

    def _locked_row(self, session: Session, sid: str) -> ConsoleSessionRow | None:
        return session.execute(
            select(ConsoleSessionRow)
            .where(ConsoleSessionRow.sid_hash == sid_hash(sid))
            .with_for_update()
        ).scalar_one_or_none()

    def add_flash(self, sid: str, level: str, text: str) -> None:
        with self.db.session() as session:
            row = self._locked_row(session, sid)
            if row is not None:
                row.flashes = [*(row.flashes or []), [level, text]]

    def take_flashes(self, sid: str) -> list[tuple[str, str]]:
        with self.db.session() as session:
            row = self._locked_row(session, sid)
            if row is None or not row.flashes:
                return []
            taken = [(str(level), str(text)) for level, text in row.flashes]
            row.flashes = []
            return taken

    # --- the sign-in limit (per address, shared by every process) -----------------------

    def signin_blocked(self, address: str) -> bool:
        return self.limits.locked_until(f"signin:{address}", SIGNIN_LIMIT) is not None

    def signin_failed(self, address: str) -> None:
        self.limits.fail(f"signin:{address}", SIGNIN_LIMIT)
