"""Database engine (created lazily), sessions and programmatic Alembic migrations.

The same migrations run on SQLite and PostgreSQL. ``migrate(settings)`` is what start-up
calls; nothing connects at import time.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from base.settings import Settings

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def normalize_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` and ``postgres://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _sqlite_pragmas(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(engine: Engine) -> None:
    # SQLite: WAL, foreign keys, and BEGIN IMMEDIATE so concurrent writers queue on the
    # lock instead of failing on a stale snapshot.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout first: switching to WAL takes a lock that another process
        # opening the same file at the same moment may hold.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def migrate_engine(engine: Engine, revision: str = "head", pii: Any = None) -> None:
    """Migrate to ``revision``; ``pii`` (``backend.pii.PersonalData``) encrypts the
    personal data a migration seals (else the environment's key is used)."""
    from alembic import command

    config = alembic_config(engine)
    config.attributes["pii"] = pii
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # processes starting together (server, dispatcher) migrate one after the other
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7305841)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def migrate(settings: Settings) -> None:
    """Bring the database of ``settings`` up to the newest schema."""
    settings.ensure_var_dir()
    from backend.pii import PersonalData

    engine = make_engine(settings.database_url)
    try:
        migrate_engine(engine, pii=PersonalData(settings.secret_key, settings.old_keys))
    finally:
        engine.dispose()


class Database:
    """Owns the engine (made on first use) and hands out sessions."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self._engine: Engine | None = None
        self._readers = threading.local()  # read_now's connection, one per thread
        self._kept = threading.local()  # kept_connection's, one per thread
        self._opened: list[Any] = []  # both kinds, closed by dispose
        self._opened_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def kept_connection(self) -> Iterator[Any]:
        """A DB-API connection of the pool kept by the calling thread from one call to the
        next, for the one thread of SQLite's short writes on every message's path
        (``base.threads.run_serial``): taking a connection from the pool and giving it
        back costs about as much as those writes themselves. A call that raises gives
        the connection back (the pool rolls back what was left open); ``dispose``
        closes the kept ones."""
        raw = getattr(self._kept, "connection", None)
        if raw is None:
            raw = self.engine.raw_connection()
            with self._opened_lock:
                self._opened.append(raw)
            self._kept.connection = raw
        try:
            yield raw
        except BaseException:
            self._kept.connection = None
            with self._opened_lock:
                if raw in self._opened:
                    self._opened.remove(raw)
            raw.close()
            raise

    def read_now(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any] | None:
        """The rows of a read (plain SQL) on an SQLite file, in the calling thread,
        never waiting; None when the read would wait for a lock, or the database is not
        an SQLite file: then the caller makes its call in a worker thread as usual.

        For the reads on every message's path (its contact, its inbox), which mostly
        find nothing to do: in WAL mode a read waits for no writer and takes tens of
        microseconds, less than the hop to a worker thread and back, which on a busy
        machine also waits for that thread to be scheduled. Each thread has a
        connection of its own that only reads (``query_only``), outside the pool, so
        it never waits for a pooled connection either."""
        reader = getattr(self._readers, "connection", None)
        if reader is None:
            reader = self._open_reader()
            if reader is None:
                return None
        try:
            return reader.execute(sql, parameters).fetchall()
        except sqlite3.Error:  # locked or busy (not in WAL mode), closed by dispose: not now
            return None

    def _open_reader(self) -> sqlite3.Connection | None:
        if self.dialect != "sqlite":
            return None
        path = self.engine.url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return None  # a database of this process's own connection(s) only
        # timeout 0: a lock is answered at once (None), the read goes to a thread
        # mode=rw: a file not made yet is not made here (the read fails: not now)
        try:
            reader = sqlite3.connect(
                f"file:{quote(str(Path(path).resolve()))}?mode=rw",
                uri=True,
                timeout=0,
                isolation_level=None,
                check_same_thread=False,
            )
            reader.execute("PRAGMA query_only=1")
        except sqlite3.Error:
            return None
        with self._opened_lock:
            self._opened.append(reader)
        self._readers.connection = reader
        return reader

    def dispose(self) -> None:
        with self._opened_lock:
            opened, self._opened = self._opened, []
        self._readers = threading.local()
        self._kept = threading.local()
        for connection in opened:
            connection.close()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
