"""Cookie signing and CSRF checks of the staff console.

Sessions and the failed sign-in limit are kept in the database
(``backend.console_sessions``), so every server process shares them; the cookie
carries only a random session id and its HMAC, so a forged or altered cookie is
refused before the database is asked.
"""

from __future__ import annotations

import hashlib
import hmac

from backend.console_sessions import (
    ABSOLUTE_SECONDS,
    FAILED_SIGNIN_LIMIT,
    FAILED_SIGNIN_WINDOW,
    IDLE_SECONDS,
    Clock,
    ConsoleSession,
)

FAILED_LOGIN_LIMIT = FAILED_SIGNIN_LIMIT
FAILED_LOGIN_WINDOW = FAILED_SIGNIN_WINDOW

__all__ = [
    "ABSOLUTE_SECONDS",
    "FAILED_LOGIN_LIMIT",
    "FAILED_LOGIN_WINDOW",
    "IDLE_SECONDS",
    "Clock",
    "ConsoleSession",
    "Signer",
    "same_token",
]


class Signer:
    """HMAC-SHA256 over short values, with a key derived for the console only."""

    def __init__(self, secret_key: str) -> None:
        self.key = hmac.new(secret_key.encode(), b"jiuzhu-console-v1", hashlib.sha256).digest()

    def sign(self, value: str) -> str:
        mac = hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()[:40]
        return f"{value}.{mac}"

    def unsign(self, signed: str | None) -> str | None:
        if not signed or "." not in signed:
            return None
        value, _, mac = signed.rpartition(".")
        return value if hmac.compare_digest(self.sign(value), f"{value}.{mac}") else None


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())
