"""The session store interface.

``transaction`` is the only way to change a session: it holds a per-sender lock
from read to write, so two messages of one sender arriving together are handled
one after the other and neither write is lost, while other senders run freely.
If the block raises, nothing is written and the previous state stays.

``encode``/``decode`` turn a session into the stored text and back; with a ``sealer``
(``base.sealing``, set by ``bot.stores.make_store``) that text is encrypted.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from base.sealing import SessionSealer
from base.session import Session, session_key


class SessionStore(ABC):
    sealer: SessionSealer | None = None

    def encode(self, session: Session) -> str:
        raw = session.model_dump_json()
        return self.sealer.seal(raw) if self.sealer else raw

    def decode(self, value: str | None, channel: str, sender_id: str) -> Session:
        """The stored session, or a new one (none stored, or none this key opens)."""
        raw = self.sealer.open(value) if self.sealer and value else value
        if not raw:
            return Session(channel=channel, sender_id=sender_id)
        return Session.model_validate_json(raw)

    @abstractmethod
    async def load(self, key: str) -> str | None:
        """The stored JSON of a session, or None."""

    @abstractmethod
    async def save(self, key: str, value: str) -> None: ...

    @abstractmethod
    async def delete(self, key: str) -> None: ...

    @abstractmethod
    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """Hold the sender's lock; other keys are not blocked."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    async def get(self, channel: str, sender_id: str) -> Session | None:
        raw = await self.load(session_key(channel, sender_id))
        if not raw or (self.sealer and self.sealer.open(raw) is None):
            return None
        return self.decode(raw, channel, sender_id)

    @asynccontextmanager
    async def transaction(self, channel: str, sender_id: str) -> AsyncIterator[Session]:
        key = session_key(channel, sender_id)
        async with self.lock(key):
            session = self.decode(await self.load(key), channel, sender_id)
            yield session
            await self.save(key, self.encode(session))
