"""Chat sessions in the case database: the embedded default when no Redis is configured.

A restart of ``jiuzhu serve`` or ``jiuzhu chat`` resumes a half-filled form, and
several processes on one database share the sessions. The semantics are those of the
Redis store (``base.stores.SessionStore.transaction``): one sender's turns run one after
the other across every process, other senders are not held up, a failed turn writes
nothing, and a session idle for ``ttl_seconds`` is gone.

How one sender's turns are serialised:

* **PostgreSQL** — ``lock`` opens a transaction on its own connection, makes sure the
  session's row exists and takes it with ``SELECT … FOR UPDATE``; ``load`` and ``save``
  inside the lock run on that connection, and the lock commits on success or rolls
  back when the turn failed. A process that dies releases the row with its connection.
* **SQLite** — the whole file has one write lock, and a turn writes cases through other
  connections, so a transaction cannot stay open for the turn. ``lock`` takes a lease
  instead (``locked_until``, ``lock_token``), claimed in a short ``BEGIN IMMEDIATE``
  transaction; ``save`` writes only while this lease is held, and a lease left by a
  dead process runs out after ``lock_timeout`` seconds.

Within one process, turns of one sender also queue on an ``asyncio.Lock``, so they do
not poll the database for each other.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from typing import Any

import anyio
from sqlalchemy import Connection, delete, event, select, update
from sqlalchemy.dialects import postgresql, sqlite

from backend.clock import utcnow
from backend.db import Database
from backend.models import ChatSession
from backend.sqlhelp import sqlite_stamp as _stamp
from base.session import Session, session_key
from base.stores import SessionStore
from base.threads import run_serial, run_sync

_TABLE: Any = ChatSession.__table__  # type: ignore[attr-defined]
_PURGE_EVERY = 60.0  # seconds between deletions of expired sessions (per store)


class SessionLockTimeout(TimeoutError):
    """Another turn of this sender held the session for longer than ``lock_timeout``."""


class LeaseLost(RuntimeError):
    """The lease ran out during the turn and another turn took the session (SQLite)."""


class DatabaseSessionStore(SessionStore):
    def __init__(
        self,
        database: Database,
        ttl_seconds: int = 7 * 24 * 3600,
        lock_timeout: float = 60.0,
    ) -> None:
        self._db = database
        self._ttl = timedelta(seconds=ttl_seconds)
        self._lock_timeout = lock_timeout
        self._local: dict[str, tuple[asyncio.Lock, int]] = {}  # key -> (lock, users)
        self._held: dict[str, Connection | str] = {}  # key -> PG connection | SQLite token
        self._purged_at = 0.0
        if not self._postgres:
            # A session is not a case: in WAL mode, NORMAL syncs at checkpoints, not at
            # every commit (safe after a crash of the process; a power cut may lose the
            # last turns). Only this store's own connections; case writes keep FULL.
            event.listen(database.engine, "connect", _sessions_pragmas)

    @property
    def _postgres(self) -> bool:
        return self._db.dialect == "postgresql"

    def _insert(self) -> Any:
        return (postgresql if self._postgres else sqlite).insert(_TABLE)

    # -- the SessionStore interface ------------------------------------------------------
    async def load(self, key: str) -> str | None:
        held = self._held.get(key)
        if isinstance(held, Connection):
            return await run_sync(self._load_on, held, key)
        return await run_sync(self._load, key)

    async def save(self, key: str, value: str) -> None:
        held = self._held.get(key)
        if isinstance(held, Connection):
            await run_sync(self._save_on, held, key, value)
        else:
            await run_sync(self._save, key, value, held)
        await self._maybe_purge()

    async def _maybe_purge(self) -> None:
        if time.monotonic() - self._purged_at > _PURGE_EVERY:
            self._purged_at = time.monotonic()
            await run_sync(self._purge)

    async def delete(self, key: str) -> None:
        held = self._held.get(key)
        if isinstance(held, Connection):
            await run_sync(self._delete_on, held, key)
        else:
            await run_sync(self._delete, key)

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        async with self._local_lock(key):
            if self._postgres:
                async with self._row_lock(key):
                    yield
            else:
                async with self._lease(key):
                    yield

    @asynccontextmanager
    async def transaction(self, channel: str, sender_id: str) -> AsyncIterator[Session]:
        if self._postgres:  # lock · load · save · commit on the row's connection
            async with super().transaction(channel, sender_id) as session:
                yield session
            return
        # SQLite: the lease is claimed with the load, and the save releases it, so a turn
        # costs two short write transactions.
        key = session_key(channel, sender_id)
        async with self._local_lock(key):
            token = secrets.token_hex(16)
            raw = await self._wait_for_lease(key, token)
            session = self.decode(raw, channel, sender_id)
            self._held[key] = token
            try:
                yield session
            except BaseException:
                del self._held[key]
                with anyio.CancelScope(shield=True):
                    await run_serial(self._release_lease, key, token, None)
                raise
            del self._held[key]
            value = self.encode(session)
            with anyio.CancelScope(shield=True):
                await run_serial(self._release_lease, key, token, value)
        await self._maybe_purge()

    async def aclose(self) -> None:
        self._db.dispose()

    # -- in this process -----------------------------------------------------------------
    @asynccontextmanager
    async def _local_lock(self, key: str) -> AsyncIterator[None]:
        lock, users = self._local.get(key, (asyncio.Lock(), 0))
        self._local[key] = (lock, users + 1)
        if users:  # another turn of this sender holds it (or waits): wait, not forever
            try:
                with anyio.fail_after(self._lock_timeout):
                    await lock.acquire()
            except TimeoutError:
                self._leave(key)
                raise SessionLockTimeout(key) from None
        else:  # nobody else: free (taken at once)
            await lock.acquire()
        try:
            yield
        finally:
            lock.release()
            self._leave(key)

    def _leave(self, key: str) -> None:
        lock, users = self._local[key]
        if users <= 1:
            del self._local[key]
        else:
            self._local[key] = (lock, users - 1)

    # -- PostgreSQL: the row, FOR UPDATE -------------------------------------------------
    @asynccontextmanager
    async def _row_lock(self, key: str) -> AsyncIterator[None]:
        connection = await run_sync(self._take_row, key)
        self._held[key] = connection
        try:
            yield
        except BaseException:
            del self._held[key]
            with anyio.CancelScope(shield=True):
                await run_sync(_end, connection, False)
            raise
        del self._held[key]
        with anyio.CancelScope(shield=True):
            await run_sync(_end, connection, True)

    def _take_row(self, key: str) -> Connection:
        connection = self._db.engine.connect()
        try:
            # Waits below while another turn of this sender (any process) holds the row.
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(self._lock_timeout)}s'")
            now = utcnow()
            connection.execute(
                self._insert()
                .values(key=key, data=None, expires_at=now, updated_at=now)
                .on_conflict_do_nothing(index_elements=[_TABLE.c.key])
            )
            connection.execute(select(_TABLE.c.key).where(_TABLE.c.key == key).with_for_update())
        except BaseException:
            _end(connection, False)
            raise
        return connection

    def _load_on(self, connection: Connection, key: str) -> str | None:
        value = connection.execute(
            select(_TABLE.c.data).where(_TABLE.c.key == key, _TABLE.c.expires_at > utcnow())
        ).scalar_one_or_none()
        return value if isinstance(value, str) else None

    def _save_on(self, connection: Connection, key: str, value: str) -> None:
        now = utcnow()
        connection.execute(
            update(_TABLE)
            .where(_TABLE.c.key == key)
            .values(data=value, expires_at=now + self._ttl, updated_at=now)
        )

    def _delete_on(self, connection: Connection, key: str) -> None:
        connection.execute(update(_TABLE).where(_TABLE.c.key == key).values(data=None))

    # -- SQLite: a lease -----------------------------------------------------------------
    @asynccontextmanager
    async def _lease(self, key: str) -> AsyncIterator[None]:
        token = secrets.token_hex(16)
        await self._wait_for_lease(key, token)
        self._held[key] = token
        try:
            yield
        finally:
            del self._held[key]
            with anyio.CancelScope(shield=True):
                await run_serial(self._release_lease, key, token, None)

    async def _wait_for_lease(self, key: str, token: str) -> str | None:
        """Claim the lease (waiting while another turn holds it); the session's JSON."""
        deadline = time.monotonic() + self._lock_timeout
        pause = 0.005
        while True:
            claimed, raw = await run_serial(self._claim_lease, key, token)
            if claimed:
                return raw
            if time.monotonic() > deadline:
                raise SessionLockTimeout(key)
            await anyio.sleep(pause)
            pause = min(pause * 2, 0.1)

    # The two statements of every SQLite turn go to the driver as plain SQL: they are
    # most of what a turn costs the store. They run on the one thread of this process's
    # short SQLite writes (``base.threads.run_serial``).
    @contextmanager
    def _sqlite(self) -> Iterator[Any]:
        """A DB-API cursor in one ``BEGIN IMMEDIATE`` transaction (committed on success)."""
        with self._db.kept_connection() as raw:
            cursor = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    def _claim_lease(self, key: str, token: str) -> tuple[bool, str | None]:
        now = utcnow()
        stamp = _stamp(now)
        until = now + timedelta(seconds=self._lock_timeout)
        with self._sqlite() as cursor:
            # One statement: a new sender's row is made holding the lease; a known one
            # is taken only when no lease is held (else no row comes back).
            found = cursor.execute(
                "INSERT INTO chat_sessions (key, data, expires_at, updated_at, lock_token,"
                " locked_until) VALUES (?1, NULL, ?2, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE"
                " SET lock_token = excluded.lock_token, locked_until = excluded.locked_until"
                " WHERE locked_until IS NULL OR locked_until < ?2 RETURNING data, expires_at",
                (key, stamp, token, _stamp(until)),
            ).fetchone()
        if found is None:
            return False, None
        data, expires_at = found
        return True, data if data is not None and expires_at > stamp else None

    def _release_lease(self, key: str, token: str, value: str | None) -> None:
        """Give the lease back, writing ``value`` (the turn's session) when given."""
        now = utcnow()
        with self._sqlite() as cursor:
            if value is not None:
                cursor.execute(
                    "UPDATE chat_sessions SET data = ?, expires_at = ?, updated_at = ?,"
                    " lock_token = NULL, locked_until = NULL WHERE key = ? AND lock_token = ?",
                    (value, _stamp(now + self._ttl), _stamp(now), key, token),
                )
                if cursor.rowcount != 1:
                    raise LeaseLost(key)
                return
            # a new sender whose first turn failed leaves no row behind
            cursor.execute(
                "DELETE FROM chat_sessions WHERE key = ? AND lock_token = ? AND data IS NULL",
                (key, token),
            )
            cursor.execute(
                "UPDATE chat_sessions SET lock_token = NULL, locked_until = NULL"
                " WHERE key = ? AND lock_token = ?",
                (key, token),
            )

    # -- without a lock, or under the SQLite lease ---------------------------------------
    def _load(self, key: str) -> str | None:
        with self._db.engine.connect() as connection:
            return self._load_on(connection, key)

    def _save(self, key: str, value: str, token: Connection | str | None) -> None:
        now = utcnow()
        with self._db.engine.begin() as connection:
            if isinstance(token, str):
                written = connection.execute(
                    update(_TABLE)
                    .where(_TABLE.c.key == key, _TABLE.c.lock_token == token)
                    .values(data=value, expires_at=now + self._ttl, updated_at=now)
                )
                if not written.rowcount:
                    raise LeaseLost(key)
                return
            connection.execute(
                self._insert()
                .values(key=key, data=value, expires_at=now + self._ttl, updated_at=now)
                .on_conflict_do_update(
                    index_elements=[_TABLE.c.key],
                    set_={"data": value, "expires_at": now + self._ttl, "updated_at": now},
                )
            )

    def _delete(self, key: str) -> None:
        with self._db.engine.begin() as connection:
            connection.execute(update(_TABLE).where(_TABLE.c.key == key).values(data=None))

    def _purge(self) -> None:
        self.purge()

    def purge(self, older_than: timedelta | None = None) -> int:
        """Delete expired sessions, and with ``older_than`` every session idle that long
        (``jiuzhu sessions purge``); a session in a turn right now is kept. Returns how
        many were deleted."""
        now = utcnow()
        idle = _TABLE.c.expires_at < now
        if older_than is not None:
            idle = idle | (_TABLE.c.updated_at < now - older_than)
        with self._db.engine.begin() as connection:
            result = connection.execute(
                delete(_TABLE).where(
                    idle,
                    (_TABLE.c.locked_until.is_(None)) | (_TABLE.c.locked_until < now),
                )
            )
        return int(result.rowcount or 0)


def _sessions_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _end(connection: Connection, commit: bool) -> None:
    try:
        if commit:
            connection.commit()
        else:
            connection.rollback()
    finally:
        connection.close()


__all__ = ["DatabaseSessionStore", "LeaseLost", "SessionLockTimeout"]
