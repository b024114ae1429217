"""SMS bookkeeping: stopped numbers (回复 TD / 退订), and one claim per message so the
same reminder or status change is never sent twice.

``claim`` inserts the message's row under its unique key *before* the provider is
called; a second claim of the key (an outbox retry, a second process, another round)
finds it and sends nothing. A passing failure is ``release``d for the next attempt, a
permanent one kept as ``failed``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from backend.clock import utcnow
from backend.models import Case, ChatBinding, Contact, Recipient, Resident, SmsMessage, SmsOptOut
from backend.pii import normalize_phone
from backend.sqlhelp import dialect_insert

if TYPE_CHECKING:
    from backend.service import Backend


def normalise_phone(phone: str) -> str:
    return normalize_phone(phone)


def mask_phone(phone: str) -> str:
    digits = normalise_phone(phone)
    return digits[:3] + "****" + digits[-4:] if len(digits) == 11 else "****"


def phone_hashes(backend: Backend, phone: str) -> list[str]:
    """The number's opt-out hash under the current key, then under each old key (a
    number stopped before a key change stays stopped; ``backend.keys`` re-hashes)."""
    value = normalise_phone(phone).encode()
    secrets = [backend.settings.secret_key, *backend.settings.old_keys]
    keys = [hashlib.sha256(b"jiuzhu sms numbers:" + s.encode()).digest() for s in secrets]
    return [hmac.new(key, value, hashlib.sha256).hexdigest() for key in keys]


def phone_hash(backend: Backend, phone: str) -> str:
    return phone_hashes(backend, phone)[0]


def set_stopped(backend: Backend, phone: str, stopped: bool) -> None:
    digest = phone_hash(backend, phone)
    table = SmsOptOut.__table__  # type: ignore[attr-defined]
    with backend.db.session() as session:
        if stopped:
            session.execute(
                dialect_insert(session, table)
                .values(phone_hash=digest, at=utcnow())
                .on_conflict_do_nothing(index_elements=[table.c.phone_hash])
            )
        else:
            session.execute(
                delete(SmsOptOut).where(
                    SmsOptOut.phone_hash.in_(phone_hashes(backend, phone))  # type: ignore[attr-defined]
                )
            )


def is_stopped(backend: Backend, phone: str) -> bool:
    with backend.db.session() as session:
        found = session.execute(
            select(SmsOptOut.phone_hash).where(
                SmsOptOut.phone_hash.in_(phone_hashes(backend, phone))  # type: ignore[attr-defined]
            )
        ).first()
        return found is not None


def claim(backend: Backend, key: str, phone: str, template: str, provider: str) -> bool:
    """Reserve the message ``key``; False when it was claimed before (sent or sending)."""
    table = SmsMessage.__table__  # type: ignore[attr-defined]
    with backend.db.session() as session:
        result = session.execute(
            dialect_insert(session, table)
            .values(
                key=key,
                phone_masked=mask_phone(phone),
                template=template,
                provider=provider,
                status="sending",
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=[table.c.key])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(
    backend: Backend,
    key: str,
    status: str,
    provider_id: str | None = None,
    error: str | None = None,
) -> None:
    with backend.db.session() as session:
        session.execute(
            update(SmsMessage)
            .where(SmsMessage.key == key)
            .values(
                status=status,
                provider_id=provider_id,
                error=(error or None) and error[:500],
                sent_at=utcnow() if status == "sent" else None,
            )
        )


def release(backend: Backend, key: str) -> None:
    with backend.db.session() as session:
        session.execute(
            delete(SmsMessage).where(SmsMessage.key == key, SmsMessage.status == "sending")  # type: ignore[arg-type]
        )


def messages(backend: Backend) -> list[SmsMessage]:
    with backend.db.session() as session:
        return list(session.execute(select(SmsMessage).order_by(SmsMessage.id)).scalars())  # type: ignore[arg-type]


def phones_of_sender(backend: Backend, chat_channel: str, sender: str) -> list[str]:
    """The phone numbers a chat account gave (its person's other accounts included):
    applicants' numbers on their cases, recipients' numbers on the roster."""
    with backend.db.session() as session:
        person = session.execute(
            select(Contact.person).where(
                Contact.chat_channel == chat_channel, Contact.sender == sender
            )
        ).scalar_one_or_none()
        accounts = [(chat_channel, sender)]
        if person is not None:
            accounts += [
                (row.chat_channel, row.sender)
                for row in session.execute(
                    select(Contact).where(Contact.person == person)
                ).scalars()
            ]
        found: list[str] = []
        for channel, account in dict.fromkeys(accounts):
            found += session.execute(
                select(Resident.phone_enc)
                .join(Case, Case.resident_id == Resident.id)  # type: ignore[arg-type]
                .where(Case.chat_channel == channel, Case.chat_sender == account)
            ).scalars()
            found += session.execute(
                select(Recipient.phone_enc)
                .join(ChatBinding, ChatBinding.recipient_id == Recipient.id)  # type: ignore[arg-type]
                .where(
                    ChatBinding.role == "recipient",
                    ChatBinding.chat_channel == channel,
                    ChatBinding.sender == account,
                )
            ).scalars()
    phones = [normalise_phone(backend.pii.reveal_phone(p)) for p in found if p]
    return list(dict.fromkeys(p for p in phones if len(p) == 11))


RECIPIENT_ACCOUNT = "recipient:"


def recipient_account(recipient_id: int) -> str:
    """The SMS "account" of a roster entry in reminders and outbox rows: its id, so no
    phone number is kept in clear there (the number is decrypted when the SMS is sent)."""
    return f"{RECIPIENT_ACCOUNT}{recipient_id}"


def account_phone(backend: Backend, account: str) -> str | None:
    """The number an SMS account stands for (rows written before 0011 hold the number)."""
    if not account.startswith(RECIPIENT_ACCOUNT):
        return account or None
    with backend.db.session() as session:
        recipient = session.get(Recipient, int(account.removeprefix(RECIPIENT_ACCOUNT)))
        phone = backend.pii.reveal_phone(recipient.phone_enc) if recipient else ""
    return normalise_phone(phone) or None


def recipient_name(backend: Backend, recipient_id: int) -> str:
    """The roster name for an SMS reminder (the template greets the recipient)."""
    with backend.db.session() as session:
        recipient = session.get(Recipient, recipient_id)
        return recipient.name if recipient is not None else ""


def reminder_targets(backend: Backend, quarter: str, round_: str) -> list[tuple[int, str, str]]:
    """Recipients only SMS can remind: a phone on the roster, no chat account bound that
    can push (Telegram, WeChat; a web page or REST client cannot be woken), not checked
    in for ``quarter``, no reminder of this round yet, the number not stopped.
    Returns (recipient id, name, phone)."""
    from sqlalchemy import exists

    from backend.models import CheckIn, CheckinReminder
    from backend.routing import PUSHING_CHANNELS

    pushing = [channel for channel in PUSHING_CHANNELS if channel != "sms"]

    checked_in = exists().where(CheckIn.recipient_id == Recipient.id, CheckIn.quarter == quarter)
    reminded = exists().where(
        CheckinReminder.recipient_id == Recipient.id,
        CheckinReminder.quarter == quarter,
        CheckinReminder.round == round_,
    )
    bound = exists().where(
        ChatBinding.recipient_id == Recipient.id,
        ChatBinding.role == "recipient",
        ChatBinding.chat_channel.in_(pushing),  # type: ignore[attr-defined]
    )
    query = (
        select(Recipient.id, Recipient.name, Recipient.phone_enc)
        .where(Recipient.phone_enc != "", ~checked_in, ~reminded, ~bound)
        .order_by(Recipient.id)
    )
    with backend.db.session() as session:
        rows = session.execute(query).all()
        stopped = set(session.execute(select(SmsOptOut.phone_hash)).scalars())
    found = []
    for rid, name, phone in rows:
        number = normalise_phone(backend.pii.reveal_phone(phone))
        if len(number) == 11 and stopped.isdisjoint(phone_hashes(backend, number)):
            found.append((int(rid), str(name), number))
    return found
