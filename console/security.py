"""Sign-in sessions, CSRF tokens and the failed sign-in limit of the staff console.

Sessions live on the server (one process: ``jiuzhu serve``); the cookie carries only a
random session id and its HMAC, so a forged or altered cookie is refused and a session
ends on the server when it expires, when its owner signs out, or when the server restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from backend.schemas import StaffPublic

Clock = Callable[[], float]

IDLE_SECONDS = 2 * 3600  # signed out after two hours without a request
ABSOLUTE_SECONDS = 12 * 3600  # and after twelve hours in any case
FAILED_LOGIN_LIMIT = 10
FAILED_LOGIN_WINDOW = 15 * 60


@dataclass
class ConsoleSession:
    sid: str
    staff: StaffPublic
    csrf: str
    created: float
    last_seen: float
    flashes: list[tuple[str, str]] = field(default_factory=list)

    def flash(self, text: str, level: str = "ok") -> None:
        self.flashes.append((level, text))

    def take_flashes(self) -> list[tuple[str, str]]:
        taken, self.flashes = self.flashes, []
        return taken


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


class SessionStore:
    def __init__(
        self,
        clock: Clock = time.time,
        idle: float = IDLE_SECONDS,
        absolute: float = ABSOLUTE_SECONDS,
    ) -> None:
        self.clock = clock
        self.idle = idle
        self.absolute = absolute
        self._sessions: dict[str, ConsoleSession] = {}
        self._lock = threading.Lock()

    def create(self, staff: StaffPublic) -> ConsoleSession:
        now = self.clock()
        session = ConsoleSession(
            sid=secrets.token_urlsafe(32),
            staff=staff,
            csrf=secrets.token_urlsafe(32),
            created=now,
            last_seen=now,
        )
        with self._lock:
            self._drop_expired(now)
            self._sessions[session.sid] = session
        return session

    def get(self, sid: str | None) -> ConsoleSession | None:
        if not sid:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[sid]
                return None
            session.last_seen = now
            return session

    def end(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(sid, None)

    def _expired(self, session: ConsoleSession, now: float) -> bool:
        return now - session.last_seen > self.idle or now - session.created > self.absolute

    def _drop_expired(self, now: float) -> None:
        for sid in [s for s, v in self._sessions.items() if self._expired(v, now)]:
            del self._sessions[sid]


class LoginLimiter:
    """At most ``limit`` failed sign-ins per ``window`` seconds from one address."""

    def __init__(
        self,
        clock: Clock = time.time,
        limit: int = FAILED_LOGIN_LIMIT,
        window: float = FAILED_LOGIN_WINDOW,
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(address)) >= self.limit

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(self.clock())
            if len(self._failures) > 10000:  # bounded memory under a spray of addresses
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def _recent(self, address: str) -> deque[float]:
        times = self._failures.setdefault(address, deque())
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())
