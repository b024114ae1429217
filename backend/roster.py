"""The recipient roster (低保/特困 … already granted): bulk import, chat bindings, and the
household an approval adds (``join_roster``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from backend.clock import utcnow
from backend.db import Database
from backend.models import Case, ChatBinding, Recipient, RecipientProgram, Resident
from backend.pii import PersonalData, SealedPhone
from backend.roster_file import RosterFileError, RosterRow, read_roster
from backend.schemas import ImportResult, ImportRowError, RecipientPublic
from backend.sqlhelp import dialect_insert
from nlu.normalize import simplify

CHUNK = 2000


class RosterService:
    def __init__(self, database: Database, pii: PersonalData) -> None:
        self.db = database
        self.pii = pii

    def import_file(self, data: bytes, filename: str) -> ImportResult:
        """Import a roster file; valid rows are kept, bad rows reported by line, and
        importing the same file again changes nothing."""
        try:
            rows, bad = read_roster(data, filename)
        except RosterFileError as exc:
            return ImportResult(
                imported=0, updated=0, errors=[ImportRowError(line=1, message=str(exc))]
            )
        imported, updated = self.upsert(rows)
        errors = [ImportRowError(line=e.line, message=e.message) for e in bad]
        return ImportResult(imported=imported, updated=updated, errors=errors)

    def upsert(self, rows: list[RosterRow]) -> tuple[int, int]:
        """Insert new people and (person, program) pairs, update changed details."""
        people: dict[str, RosterRow] = {}
        pairs: dict[tuple[str, str], RosterRow] = {}
        for row in rows:
            key = self.pii.id_hash(row.id_number)
            people[key] = row  # the last row of a person wins
            pairs.setdefault((key, row.program), row)
        # compared with the stored entry to find changed ones: the phone by its keyed hash
        phones = {h: self.pii.seal_phone(row.phone) for h, row in people.items()}
        wanted = {
            h: (row.name, phones[h].hash, row.township, row.village) for h, row in people.items()
        }
        now = utcnow()
        with self.db.session() as session:
            existing = self._existing(session, list(people))
            new_people = [h for h in people if h not in existing]
            changed = [h for h, (_rid, current) in existing.items() if current != wanted[h]]
            ids = {h: rid for h, (rid, _current) in existing.items()}
            ids.update(
                self._insert_people(session, [(h, people[h], phones[h]) for h in new_people], now)
            )
            if changed:
                table = Recipient.__table__  # type: ignore[attr-defined]
                session.execute(
                    table.update()
                    .where(table.c.id == bindparam("rid"))
                    .values(
                        name=bindparam("n"),
                        phone_hash=bindparam("ph"),
                        phone_enc=bindparam("pe"),
                        phone_masked=bindparam("pm"),
                        township=bindparam("t"),
                        village=bindparam("v"),
                        updated_at=now,
                    ),
                    [
                        {
                            "rid": ids[h],
                            "n": people[h].name,
                            "ph": phones[h].hash,
                            "pe": phones[h].encrypted,
                            "pm": phones[h].masked,
                            "t": people[h].township,
                            "v": people[h].village,
                        }
                        for h in changed
                    ],
                )
            have = self._existing_pairs(session, [ids[h] for h in existing])
            new_pairs = [(ids[h], p) for (h, p) in pairs if (ids[h], p) not in have]
            table = RecipientProgram.__table__  # type: ignore[attr-defined]
            for start in range(0, len(new_pairs), CHUNK):
                chunk = new_pairs[start : start + CHUNK]
                session.execute(
                    dialect_insert(session, table).on_conflict_do_nothing(),
                    [{"recipient_id": rid, "program": p} for rid, p in chunk],
                )
        return len(new_pairs), len(changed)

    def _existing(
        self, session: Session, hashes: list[str]
    ) -> dict[str, tuple[int, tuple[str, ...]]]:
        found: dict[str, tuple[int, tuple[str, ...]]] = {}
        for chunk in _chunks(hashes):
            result = session.execute(
                select(
                    Recipient.id_hash,
                    Recipient.id,
                    Recipient.name,
                    Recipient.phone_hash,
                    Recipient.township,
                    Recipient.village,
                ).where(Recipient.id_hash.in_(chunk))  # type: ignore[attr-defined]
            )
            for id_hash, rid, *fields in result:
                found[id_hash] = (rid, tuple(fields))
        return found

    def _existing_pairs(self, session: Session, ids: list[int]) -> set[tuple[int, str]]:
        found: set[tuple[int, str]] = set()
        for chunk in _chunks(ids):
            result = session.execute(
                select(RecipientProgram.recipient_id, RecipientProgram.program).where(
                    RecipientProgram.recipient_id.in_(chunk)  # type: ignore[attr-defined]
                )
            )
            found.update((rid, p) for rid, p in result)
        return found

    def _insert_people(
        self, session: Session, people: list[tuple[str, RosterRow, SealedPhone]], now: Any
    ) -> dict[str, int]:
        ids: dict[str, int] = {}
        table = Recipient.__table__  # type: ignore[attr-defined]
        for start in range(0, len(people), CHUNK):
            values = []
            for _id_hash, row, phone in people[start : start + CHUNK]:
                sealed = self.pii.seal(row.id_number)
                values.append(
                    {
                        "name": row.name,
                        "id_hash": sealed.hash,
                        "id_enc": sealed.encrypted,
                        "id_masked": sealed.masked,
                        "phone_hash": phone.hash,
                        "phone_enc": phone.encrypted,
                        "phone_masked": phone.masked,
                        "township": row.township,
                        "village": row.village,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            result = session.execute(table.insert().returning(table.c.id_hash, table.c.id), values)
            ids.update({h: rid for h, rid in result})
        return ids

    # --- chat accounts ---------------------------------------------------------------

    def bind_chat(
        self, chat_channel: str, sender: str, name: str, id_number: str, phone: str | None
    ) -> RecipientPublic | None:
        """Bind a chat account to a roster entry when name, 身份证号 (and the phone, where
        the roster has one) match; None otherwise."""
        with self.db.session() as session:
            recipient = session.execute(
                select(Recipient).where(Recipient.id_hash == self.pii.id_hash(id_number))
            ).scalar_one_or_none()
            if recipient is None or not same_name(recipient.name, name):
                return None
            if recipient.phone_hash and not self.pii.same_phone(recipient.phone_hash, phone):
                return None
            table = ChatBinding.__table__  # type: ignore[attr-defined]
            session.execute(
                dialect_insert(session, table)
                .values(
                    role="recipient",
                    chat_channel=chat_channel,
                    sender=sender,
                    recipient_id=recipient.id,
                    created_at=utcnow(),
                )
                .on_conflict_do_update(
                    index_elements=[table.c.role, table.c.chat_channel, table.c.sender],
                    set_={"recipient_id": recipient.id},
                )
            )
            return self.public(session, recipient)

    def for_chat(self, chat_channel: str, sender: str) -> RecipientPublic | None:
        with self.db.session() as session:
            recipient = session.execute(
                select(Recipient)
                .join(ChatBinding, ChatBinding.recipient_id == Recipient.id)  # type: ignore[arg-type]
                .where(
                    ChatBinding.role == "recipient",
                    ChatBinding.chat_channel == chat_channel,
                    ChatBinding.sender == sender,
                )
            ).scalar_one_or_none()
            return self.public(session, recipient) if recipient else None

    def get(self, recipient_id: int) -> RecipientPublic | None:
        with self.db.session() as session:
            recipient = session.get(Recipient, recipient_id)
            return self.public(session, recipient) if recipient else None

    def by_id_number(self, id_number: str) -> RecipientPublic | None:
        with self.db.session() as session:
            recipient = session.execute(
                select(Recipient).where(Recipient.id_hash == self.pii.id_hash(id_number))
            ).scalar_one_or_none()
            return self.public(session, recipient) if recipient else None

    def public(self, session: Session, recipient: Recipient) -> RecipientPublic:
        programs = session.execute(
            select(RecipientProgram.program)
            .where(RecipientProgram.recipient_id == recipient.id)
            .order_by(RecipientProgram.program)
        ).scalars()
        return to_public(recipient, list(programs))


def join_roster(
    session: Session,
    case: Case,
    resident: Resident,
    id_hash: str | None = None,
    *,
    keep_details: bool = False,
) -> Recipient | None:
    """An approved household joins the roster, inside the approval's transaction: the
    applicant (by 身份证号), the programs granted, and — when the case came from a chat —
    that chat account bound to the entry, so its first quarterly check-in needs no
    binding. A person already on the roster keeps the entry and gains the programs.

    ``id_hash`` is the number's look-up hash when the person record has none (a case
    flagged as a possible conflict); ``keep_details`` leaves an existing entry's name,
    phone and place as the roster has them."""
    id_hash = id_hash or resident.id_hash
    if not (id_hash and resident.id_enc and resident.id_masked):
        return None
    now = utcnow()
    table = Recipient.__table__  # type: ignore[attr-defined]
    values = {
        "name": resident.name,
        "phone_hash": resident.phone_hash or "",
        "phone_enc": resident.phone_enc or "",
        "phone_masked": resident.phone_masked or "",
        "township": case.township,
        "village": case.village,
        "updated_at": now,
    }
    inserted = dialect_insert(session, table).values(
        id_hash=id_hash,
        id_enc=resident.id_enc,
        id_masked=resident.id_masked,
        created_at=now,
        **values,
    )
    session.execute(
        inserted.on_conflict_do_update(index_elements=[table.c.id_hash], set_={"updated_at": now})
        if keep_details
        else inserted.on_conflict_do_update(index_elements=[table.c.id_hash], set_=values)
    )
    recipient = session.execute(select(Recipient).where(Recipient.id_hash == id_hash)).scalar_one()
    programs = case.approved_programs or list(case.programs)
    pairs = RecipientProgram.__table__  # type: ignore[attr-defined]
    session.execute(
        dialect_insert(session, pairs).on_conflict_do_nothing(),
        [{"recipient_id": recipient.id, "program": p} for p in programs],
    )
    if case.chat_channel and case.chat_sender:
        bindings = ChatBinding.__table__  # type: ignore[attr-defined]
        session.execute(
            dialect_insert(session, bindings)
            .values(
                role="recipient",
                chat_channel=case.chat_channel,
                sender=case.chat_sender,
                recipient_id=recipient.id,
                created_at=now,
            )
            .on_conflict_do_update(
                index_elements=[bindings.c.role, bindings.c.chat_channel, bindings.c.sender],
                set_={"recipient_id": recipient.id},
            )
        )
    return recipient


def to_public(recipient: Any, programs: list[str] | None = None) -> RecipientPublic:
    return RecipientPublic(
        id=recipient.id,
        name=recipient.name,
        id_masked=recipient.id_masked,
        phone_masked=recipient.phone_masked or "",
        township=recipient.township,
        village=recipient.village,
        programs=programs or [],
    )


def _chunks(items: list[Any], size: int = 1000) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def same_name(a: str, b: str) -> bool:
    """One person's name however it was typed: 張三 (繁體), 张 三 and 张三 are one name."""
    return "".join(simplify(a).split()) == "".join(simplify(b).split())
