"""Key rotation: everything sealed under an old secret key re-sealed under the current one.

Set the new key as ``JIUZHU_SECRET_KEY`` and the old one in ``JIUZHU_OLD_SECRET_KEYS``;
old rows still decrypt (``MultiFernet``), new writes use the new key. ``rotate_keys``
(``jiuzhu keys rotate``) then re-encrypts every 身份证号 and phone number, recomputes the
look-up hashes (residents, roster, open claims) and the opt-out hashes of the numbers it
knows. Run it with the services stopped: a look-up hash written under the old key while
it runs would not be found under the new one. Staff tokens (only their hashes are kept)
keep working under an old key while it is listed; reissue them before dropping it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from backend.models import OpenClaim, Recipient, Resident, SmsOptOut

if TYPE_CHECKING:
    from backend.service import Backend

BATCH = 500


@dataclass(frozen=True)
class Rotation:
    residents: int
    recipients: int
    opt_outs: int


def rotate_keys(backend: Backend) -> Rotation:
    from backend import sms

    pii = backend.pii
    moved_hashes: dict[str, str] = {}  # id_hash under the old key → under the new one
    phones: set[str] = set()
    counts: dict[type, int] = {}
    for model in (Resident, Recipient):
        done, last = 0, 0
        while True:
            with backend.db.session() as session:
                rows = list(
                    session.execute(
                        select(model)
                        .where(model.id > last)  # type: ignore[attr-defined]
                        .order_by(model.id)  # type: ignore[attr-defined]
                        .limit(BATCH)
                    ).scalars()
                )
                for row in rows:
                    if row.id_enc:
                        id_number = pii.reveal(row.id_enc)
                        row.id_enc = pii.reencrypt(row.id_enc)
                        if row.id_hash:
                            new = pii.id_hash(id_number)
                            if new != row.id_hash:
                                moved_hashes[row.id_hash] = new
                            row.id_hash = new
                    if row.phone_enc:
                        phone = pii.reveal_phone(row.phone_enc)
                        phones.add(phone)
                        row.phone_enc = pii.reencrypt(row.phone_enc)
                        row.phone_hash = pii.phone_hash(phone)
                    session.add(row)
            if not rows:
                break
            done += len(rows)
            last = rows[-1].id
        counts[model] = done
    with backend.db.session() as session:
        for old, new in moved_hashes.items():
            session.execute(
                update(OpenClaim).where(OpenClaim.id_hash == old).values(id_hash=new)  # type: ignore[arg-type]
            )
    opt_outs = 0
    with backend.db.session() as session:
        stopped = set(session.execute(select(SmsOptOut.phone_hash)).scalars())
        for phone in phones:
            current, *old_hashes = sms.phone_hashes(backend, phone)
            found = [h for h in old_hashes if h in stopped and h != current]
            if not found:
                continue
            for old in found:
                row = SmsOptOut.phone_hash == old
                if current in stopped:  # stopped under both keys: one row is enough
                    session.execute(delete(SmsOptOut).where(row))  # type: ignore[arg-type]
                else:
                    session.execute(update(SmsOptOut).where(row).values(phone_hash=current))  # type: ignore[arg-type]
                    stopped.add(current)
                stopped.discard(old)
            opt_outs += 1
    return Rotation(residents=counts[Resident], recipients=counts[Recipient], opt_outs=opt_outs)
