"""Personal data at rest: 身份证号 encrypted (Fernet) plus a keyed hash (HMAC) for look-up.

Both keys are derived from ``Settings.secret_key`` with HKDF, one per purpose, so the
look-up hash cannot be used to decrypt and vice versa. Lists, logs and notifications use
the masked form (``4309**********1234``); the whole number is only decrypted for an
explicit, audited staff detail view.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nlu.validators import mask_id


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jiuzhu-backend", info=purpose).derive(
        secret.encode("utf-8")
    )


def normalize_id(id_number: str) -> str:
    return id_number.strip().upper()


@dataclass(frozen=True)
class SealedId:
    hash: str
    encrypted: str
    masked: str


class PersonalData:
    """Encrypts, hashes and masks 身份证号 and hashes staff tokens."""

    def __init__(self, secret_key: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret_key, b"id-encryption")))
        self._id_key = _derive(secret_key, b"id-lookup")
        self._token_key = _derive(secret_key, b"staff-token")

    def id_hash(self, id_number: str) -> str:
        value = normalize_id(id_number).encode("ascii")
        return hmac.new(self._id_key, value, hashlib.sha256).hexdigest()

    def seal(self, id_number: str) -> SealedId:
        value = normalize_id(id_number)
        return SealedId(
            hash=self.id_hash(value),
            encrypted=self._fernet.encrypt(value.encode("ascii")).decode("ascii"),
            masked=mask_id(value),
        )

    def reveal(self, encrypted: str) -> str:
        return self._fernet.decrypt(encrypted.encode("ascii")).decode("ascii")

    def token_hash(self, token: str) -> str:
        return hmac.new(self._token_key, token.encode("utf-8"), hashlib.sha256).hexdigest()
