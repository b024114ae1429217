"""The session store interface.

``transaction`` is the only way to change a session: it holds a per-sender lock
from read to write, so two messages of one sender arriving together are handled
one after the other and neither write is lost, while other senders run freely.
If the block raises, nothing is written and the previous state stays.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from base.session import Session, session_key


class SessionStore(ABC):
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
        return Session.model_validate_json(raw) if raw else None

    @asynccontextmanager
    async def transaction(self, channel: str, sender_id: str) -> AsyncIterator[Session]:
        key = session_key(channel, sender_id)
        async with self.lock(key):
            raw = await self.load(key)
            session = (
                Session.model_validate_json(raw)
                if raw
                else Session(channel=channel, sender_id=sender_id)
            )
            yield session
            await self.save(key, session.model_dump_json())
