"""Signed anonymous sessions of the web chat page.

The server makes up the sender id (``web-<random>``) and hands the page a token that
carries it with an HMAC-SHA256 signature under the settings' secret key; the page keeps
the token in ``localStorage`` and sends it with every request, so the same phone comes
back to the same conversation and no page can speak for a sender it was not given.
Changing ``JIUZHU_SECRET_KEY`` invalidates every token (the pages then ask for a new one)
unless the old key is listed in ``JIUZHU_OLD_SECRET_KEYS``; new tokens use the new key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence

PREFIX = "web-"
_PURPOSE = b"jiuzhu web chat session v1:"
_SENDER = re.compile(r"^web-[A-Za-z0-9_-]{16,40}$")
MAX_TOKEN_CHARS = 200


class SessionTokens:
    def __init__(self, secret_key: str, old_keys: Sequence[str] = ()) -> None:
        self._keys = [
            hashlib.sha256(_PURPOSE + k.encode()).digest() for k in (secret_key, *old_keys)
        ]

    def _signature(self, sender: str, key: bytes | None = None) -> str:
        digest = hmac.new(key or self._keys[0], sender.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self) -> tuple[str, str]:
        """A new anonymous sender and its token."""
        sender = PREFIX + secrets.token_urlsafe(18)
        return sender, f"{sender}.{self._signature(sender)}"

    def sender(self, token: object) -> str | None:
        """The sender a token was issued for, or None when it is not one of ours."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or "." not in token:
            return None
        sender, _, signature = token.rpartition(".")
        if not _SENDER.match(sender):
            return None
        for key in self._keys:
            if hmac.compare_digest(signature.encode(), self._signature(sender, key).encode()):
                return sender
        return None
