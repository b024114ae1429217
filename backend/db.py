"""Database engine (created lazily), sessions and programmatic Alembic migrations.

The same migrations run on SQLite and PostgreSQL. ``migrate(settings)`` is what start-up
calls; nothing connects at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
