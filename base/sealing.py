"""Chat sessions sealed at rest: the session JSON (half-filled forms with a 身份证号, a
phone number, health answers; the last turns' texts) is Fernet-encrypted before a store
writes it, so a Redis dump or a copy of ``chat_sessions`` shows none of it.

The key is derived from ``JIUZHU_SECRET_KEY`` (HKDF, its own purpose); sessions sealed
under one of ``JIUZHU_OLD_SECRET_KEYS`` still open and are resealed on their next save.
A session that no key opens (the key was changed and the old one dropped) is treated as
no session: the resident starts afresh instead of getting an error.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

PREFIX = "jzs1:"  # marks a sealed value; plain JSON (written before sealing) starts with {


def _fernet(secret: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"jiuzhu-sessions", info=b"chat-session"
    ).derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


class SessionSealer:
    def __init__(self, secret_key: str, old_keys: Sequence[str] = ()) -> None:
        secrets = [secret_key, *(k for k in old_keys if k and k != secret_key)]
        self._fernet = MultiFernet([_fernet(s) for s in secrets])

    def seal(self, raw: str) -> str:
        return PREFIX + self._fernet.encrypt(raw.encode("utf-8")).decode("ascii")

    def open(self, value: str) -> str | None:
        """The session JSON, or None when no configured key opens it."""
        if not value.startswith(PREFIX):
            return value  # stored before sealing: read once, sealed on the next save
        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken:
            log.warning("a chat session sealed under an unknown key was dropped")
            return None
