"""Personal data at rest: 身份证号 and phone numbers encrypted (Fernet) plus keyed hashes
(HMAC) for look-up.

Every key is derived from a secret with HKDF, one per purpose, so a look-up hash cannot
be used to decrypt and vice versa. The secrets are ``Settings.secret_key`` (new writes)
and ``Settings.old_secret_keys`` (older rows still decrypt: ``MultiFernet``);
``rotate_keys`` re-encrypts and re-hashes every row under the current key, after which
the old keys can be dropped. Lists, logs and notifications use the masked forms
(``4309**********1234``, ``138****8000``); the whole value is only decrypted through
``reveal``/``reveal_phone`` — for an explicit, audited staff detail view, or to send the
resident an SMS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nlu.validators import mask_id, mask_phone

_DIGITS = re.compile(r"\D")


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jiuzhu-backend", info=purpose).derive(
        secret.encode("utf-8")
    )


def normalize_id(id_number: str) -> str:
    return id_number.strip().upper()


def normalize_phone(phone: str) -> str:
    """Digits only, without a leading +86: the form that is hashed and encrypted."""
    digits = _DIGITS.sub("", phone or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


@dataclass(frozen=True)
class SealedId:
    hash: str
    encrypted: str
    masked: str


@dataclass(frozen=True)
class SealedPhone:
    """A phone number as stored: all three empty for no number."""

    hash: str
    encrypted: str
    masked: str


class PersonalData:
    """Encrypts, hashes and masks 身份证号 and phone numbers; hashes staff tokens."""

    def __init__(self, secret_key: str, old_keys: Sequence[str] = ()) -> None:
        secrets = [secret_key, *(k for k in old_keys if k and k != secret_key)]
        self._fernet = MultiFernet(
            [Fernet(base64.urlsafe_b64encode(_derive(s, b"id-encryption"))) for s in secrets]
        )
        self._id_key = _derive(secret_key, b"id-lookup")
        self._phone_key = _derive(secret_key, b"phone-lookup")
        # staff tokens are only stored hashed: a token issued under an old key must
        # still sign in until it is reissued, so every key's hash is accepted
        self._token_keys = [_derive(s, b"staff-token") for s in secrets]

    # --- 身份证号 ---------------------------------------------------------------------
    def id_hash(self, id_number: str) -> str:
        value = normalize_id(id_number).encode(
            "utf-8"
        )  # what was typed, whatever it is: never a 500
        return hmac.new(self._id_key, value, hashlib.sha256).hexdigest()

    def seal(self, id_number: str) -> SealedId:
        value = normalize_id(id_number)
        return SealedId(
            hash=self.id_hash(value),
            encrypted=self._fernet.encrypt(value.encode("utf-8")).decode("ascii"),
            masked=mask_id(value),
        )

    def reveal(self, encrypted: str) -> str:
        return self._fernet.decrypt(encrypted.encode("ascii")).decode("utf-8")

    # --- phone numbers -----------------------------------------------------------------
    def phone_hash(self, phone: str) -> str:
        return hmac.new(
            self._phone_key, normalize_phone(phone).encode("utf-8"), hashlib.sha256
        ).hexdigest()

    def seal_phone(self, phone: str | None) -> SealedPhone:
        value = normalize_phone(phone or "")
        if not value:
            return SealedPhone("", "", "")
        return SealedPhone(
            hash=self.phone_hash(value),
            encrypted=self._fernet.encrypt(value.encode("utf-8")).decode("ascii"),
            masked=mask_phone(value),
        )

    def reveal_phone(self, encrypted: str | None) -> str:
        """The one way a stored phone number is read in clear ("" for none)."""
        if not encrypted:
            return ""
        return self._fernet.decrypt(encrypted.encode("ascii")).decode("utf-8")

    def same_phone(self, stored_hash: str | None, phone: str | None) -> bool:
        """Whether ``phone`` is the stored number (both empty counts as the same)."""
        given = normalize_phone(phone or "")
        if not given or not stored_hash:
            return not given and not stored_hash
        return hmac.compare_digest(stored_hash, self.phone_hash(given))

    # --- rotation --------------------------------------------------------------------
    def reencrypt(self, encrypted: str) -> str:
        """The same value encrypted under the current key (``MultiFernet.rotate``)."""
        return self._fernet.rotate(encrypted.encode("ascii")).decode("ascii")

    # --- staff tokens ------------------------------------------------------------------
    def token_hash(self, token: str) -> str:
        return self.token_hashes(token)[0]

    def token_hashes(self, token: str) -> list[str]:
        """The token's hash under the current key, then under each old key."""
        value = token.encode("utf-8")
        return [hmac.new(k, value, hashlib.sha256).hexdigest() for k in self._token_keys]
