"""Residents' channels: which chat accounts (and SMS numbers) are one person, and which
one the resident used last.

Every message a resident sends touches the account's row (``touch``); an account seen
for the first time is a person of its own. A resident who applied on the web page and
follows the 公众号 joins the two with a link code: ``new_link_code`` on one channel
(``/link`` → ``关联 123456``), ``link`` from the other. Reminders and pushes then go to
the account the person used last (``latest``), falling back to SMS when no chat
account can reach the person (``backend.routing``). A wrong code counts against the
account that sent it (``link:<channel>:<sender>``, five per hour).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, or_, select, update

from backend.clock import utcnow
from backend.db import Database
from backend.limits import Limit, Limits
from backend.models import Case, Contact, ContactLinkCode
from backend.sqlhelp import dialect_insert, sqlite_stamp

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
LINK_LIMIT = Limit(failures=5, window=timedelta(hours=1))
# A message this soon after the last one on the person's latest account writes nothing.
TOUCH_EVERY = timedelta(seconds=60)
SMS = "sms"


@dataclass(frozen=True)
class ContactView:
    chat_channel: str
    sender: str
    last_used_at: datetime


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _touched() -> Any:
    """This account's person, and whether it is its person's latest account (the first
    in ``last_used_at`` desc, ``id`` desc order) noted at ``recent`` or later."""
    table = Contact.__table__  # type: ignore[attr-defined]
    other = table.alias("other")
    later = (
        select(other.c.id)
        .where(
            other.c.person == table.c.person,
            other.c.id != table.c.id,
            or_(
                other.c.last_used_at > table.c.last_used_at,
                and_(other.c.last_used_at == table.c.last_used_at, other.c.id > table.c.id),
            ),
        )
        .exists()
    )
    fresh = and_(
        table.c.last_used_at >= bindparam("recent", type_=table.c.last_used_at.type), ~later
    )
    return select(table.c.person, fresh).where(
        table.c.chat_channel == bindparam("channel"), table.c.sender == bindparam("sender")
    )


_TOUCHED = _touched()
# The same on SQLite as plain SQL: it runs on every message, and SQLAlchemy's statement
# machinery costs ten times the query.
_TOUCHED_SQLITE = (
    "SELECT c.person, c.last_used_at >= ? AND NOT EXISTS (SELECT 1 FROM contacts o"
    " WHERE o.person = c.person AND o.id != c.id AND (o.last_used_at > c.last_used_at"
    " OR (o.last_used_at = c.last_used_at AND o.id > c.id)))"
    " FROM contacts c WHERE c.chat_channel = ? AND c.sender = ?"
)
_NOTE_SQLITE = (
    "INSERT INTO contacts (person, chat_channel, sender, last_used_at, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (chat_channel, sender)"
    " DO UPDATE SET last_used_at = excluded.last_used_at RETURNING person"
)


class Contacts:
    def __init__(self, database: Database, secret_key: str) -> None:
        self.database = database
        self._key = hashlib.sha256(b"jiuzhu contact link codes:" + secret_key.encode()).digest()
        self.limits = Limits(database)

    # -- accounts ----------------------------------------------------------------------
    def touch(self, chat_channel: str, sender: str) -> str:
        """Note that the resident used this account now; returns the person.

        Every message calls this, so the common case is one read: an account already
        the latest of its person and noted less than ``TOUCH_EVERY`` ago is not written
        again (the order of the person's accounts, which routing and the console read,
        stays the same; only its time may lag by that much)."""
        table = Contact.__table__  # type: ignore[attr-defined]
        now = utcnow()
        found = self._touched(chat_channel, sender, now - TOUCH_EVERY)
        if found is not None and found[1]:
            return str(found[0])
        if self.database.dialect == "sqlite":
            return self._note_sqlite(chat_channel, sender, now)
        with self.database.session() as session:
            session.execute(
                dialect_insert(session, table)
                .values(
                    person=uuid.uuid4().hex,
                    chat_channel=chat_channel,
                    sender=sender,
                    last_used_at=now,
                    created_at=now,
                )
                .on_conflict_do_update(
                    index_elements=[table.c.chat_channel, table.c.sender],
                    set_={"last_used_at": now},
                )
            )
            return str(
                session.execute(
                    select(Contact.person).where(
                        Contact.chat_channel == chat_channel, Contact.sender == sender
                    )
                ).scalar_one()
            )

    def touched_now(self, chat_channel: str, sender: str) -> str | None:
        """``touch``'s common case (nothing to write) answered in the calling thread on
        SQLite (``Database.read_now``): the person, or None when ``touch`` must run."""
        found = self.database.read_now(
            _TOUCHED_SQLITE, (sqlite_stamp(utcnow() - TOUCH_EVERY), chat_channel, sender)
        )
        if found and found[0][1]:
            return str(found[0][0])
        return None

    def _touched(self, chat_channel: str, sender: str, recent: datetime) -> Any:
        if self.database.dialect != "sqlite":
            with self.database.engine.connect() as connection:
                return connection.execute(
                    _TOUCHED, {"channel": chat_channel, "sender": sender, "recent": recent}
                ).first()
        raw = self.database.engine.raw_connection()
        try:
            return (
                raw.cursor()
                .execute(_TOUCHED_SQLITE, (sqlite_stamp(recent), chat_channel, sender))
                .fetchone()
            )
        finally:
            raw.close()

    def _note_sqlite(self, chat_channel: str, sender: str, now: datetime) -> str:
        """The write of ``touch`` on SQLite: one statement, committed without waiting for
        the disk (``synchronous=NORMAL``). A power cut may lose only this time, or a new
        account that its next message makes again; any later commit of a case, a link
        or a code syncs it (the log is written in order)."""
        raw = self.database.engine.raw_connection()
        try:
            cursor = raw.cursor()
            usual = cursor.execute("PRAGMA synchronous").fetchone()[0]
            cursor.execute("PRAGMA synchronous=NORMAL")
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    person = cursor.execute(
                        _NOTE_SQLITE,
                        (uuid.uuid4().hex, chat_channel, sender, sqlite_stamp(now)),
                    ).fetchone()[0]
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")
            finally:
                cursor.execute(f"PRAGMA synchronous={int(usual)}")
        finally:
            raw.close()
        return str(person)

    def person(self, chat_channel: str, sender: str) -> str | None:
        with self.database.session() as session:
            return session.execute(
                select(Contact.person).where(
                    Contact.chat_channel == chat_channel, Contact.sender == sender
                )
            ).scalar_one_or_none()

    def accounts(self, chat_channel: str, sender: str) -> list[ContactView]:
        """Every account of this account's person, the latest used first."""
        person = self.person(chat_channel, sender)
        if person is None:
            return []
        return self.accounts_of(person)

    def for_case(self, case_no: str) -> tuple[str, str, list[ContactView]] | None:
        """The chat account a case came from and its person's accounts (staff views)."""
        with self.database.session() as session:
            row = session.execute(
                select(Case.chat_channel, Case.chat_sender).where(Case.case_no == case_no)
            ).first()
        if row is None or not row[0] or not row[1]:
            return None
        return row[0], row[1], self.accounts(row[0], row[1])

    def accounts_of(self, person: str) -> list[ContactView]:
        with self.database.session() as session:
            rows = session.execute(
                select(Contact)
                .where(Contact.person == person)
                .order_by(Contact.last_used_at.desc(), Contact.id.desc())  # type: ignore[attr-defined, union-attr]
            ).scalars()
            return [
                ContactView(row.chat_channel, row.sender, _aware(row.last_used_at)) for row in rows
            ]

    def latest(self, chat_channel: str, sender: str) -> ContactView | None:
        """The chat account of this person used last (SMS numbers are not chats)."""
        for account in self.accounts(chat_channel, sender):
            if account.chat_channel != SMS:
                return account
        return None

    def last_used(self, chat_channel: str, sender: str) -> datetime | None:
        with self.database.session() as session:
            value = session.execute(
                select(Contact.last_used_at).where(
                    Contact.chat_channel == chat_channel, Contact.sender == sender
                )
            ).scalar_one_or_none()
        return None if value is None else _aware(value)

    # -- joining two accounts ----------------------------------------------------------
    def _hash(self, code: str) -> str:
        return hmac.new(self._key, code.encode(), hashlib.sha256).hexdigest()

    def new_link_code(self, chat_channel: str, sender: str) -> str:
        person = self.touch(chat_channel, sender)
        now = utcnow()
        with self.database.session() as session:
            session.execute(delete(ContactLinkCode).where(ContactLinkCode.expires_at < now))  # type: ignore[arg-type]
            while True:
                code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
                if session.get(ContactLinkCode, self._hash(code)) is None:
                    break
            session.add(
                ContactLinkCode(
                    code_hash=self._hash(code), person=person, expires_at=now + CODE_LIFETIME
                )
            )
        return code

    def link(self, code: str, chat_channel: str, sender: str) -> str:
        """Join this account (and its person's other accounts) to the code's person.

        Returns ``linked``, ``wrong`` (no such code, or expired) or ``locked``."""
        key = f"link:{chat_channel}:{sender}"
        if self.limits.locked_until(key, LINK_LIMIT) is not None:
            return "locked"
        code = "".join(ch for ch in code if ch.isdigit())
        now = utcnow()
        with self.database.session() as session:
            row = session.get(ContactLinkCode, self._hash(code)) if code else None
            if row is None or _aware(row.expires_at) < now:
                target = None
            else:
                target = row.person
                session.delete(row)
        if target is None:
            self.limits.fail(key, LINK_LIMIT)
            return "wrong"
        mine = self.touch(chat_channel, sender)
        if mine != target:
            with self.database.session() as session:
                session.execute(
                    update(Contact).where(Contact.person == mine).values(person=target)  # type: ignore[arg-type]
                )
        self.limits.clear(key)
        return "linked"
