"""``Database.read_now``: the reads on every message's path (its contact, its inbox) run
in the calling thread on SQLite, and never wait: a lock, or a database that is not an
SQLite file, answers None and the caller goes to a worker thread as before."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from backend.contacts import Contacts
from backend.db import Database, migrate
from backend.outbox import inbox_is_empty_now
from base.settings import Settings


def _database(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'jiuzhu.db'}"
    migrate(Settings(database_url=url))
    return Database(url)


def test_a_read_gives_the_rows_committed_by_other_connections(tmp_path: Path) -> None:
    database = _database(tmp_path)
    assert database.read_now("SELECT count(*) FROM contacts") == [(0,)]
    contacts = Contacts(database, "k" * 32)
    person = contacts.touch("rest", "r1")  # written through the pool's connections
    assert database.read_now("SELECT person FROM contacts") == [(person,)]
    database.dispose()


def test_touch_is_answered_at_once_only_when_nothing_is_to_be_written(tmp_path: Path) -> None:
    database = _database(tmp_path)
    contacts = Contacts(database, "k" * 32)
    assert contacts.touched_now("rest", "r1") is None  # a new account: touch writes it
    person = contacts.touch("rest", "r1")
    assert contacts.touched_now("rest", "r1") == person
    contacts.touch("web", "w1")
    assert contacts.link(contacts.new_link_code("rest", "r1"), "web", "w1") == "linked"
    # r1's person now used w1 later: r1 is no longer its latest account, touch must write
    assert contacts.touched_now("rest", "r1") is None
    database.dispose()


def test_the_inbox_is_known_empty_only_when_nothing_waits(tmp_path: Path) -> None:
    database = _database(tmp_path)
    assert inbox_is_empty_now(database, "rest", "r1")
    with sqlite3.connect(tmp_path / "jiuzhu.db") as raw:
        raw.execute(
            "INSERT INTO outbox (key, sink, payload, status, attempts, chat_channel, township,"
            " chat_sender, created_at, next_attempt_at) VALUES ('k1', 'resident:inbox',"
            " '{}', 'pending', 0, 'rest', '', 'r1', '2026-01-01', '2026-01-01')"
        )
    assert not inbox_is_empty_now(database, "rest", "r1")
    assert inbox_is_empty_now(database, "rest", "r2")
    database.dispose()


def test_a_lock_answers_none_at_once_instead_of_waiting(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:  # not in WAL mode: a writer's lock blocks readers
        raw.execute("CREATE TABLE t (x)")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    database = Database(f"sqlite:///{path}")
    started = time.monotonic()
    assert database.read_now("SELECT x FROM t") is None
    assert time.monotonic() - started < 1  # the engine's own connections would wait 30 s
    holder.execute("COMMIT")
    assert database.read_now("SELECT x FROM t") == []
    holder.close()
    database.dispose()


def test_no_file_no_answer_and_no_file_made(tmp_path: Path) -> None:
    assert Database("sqlite://").read_now("SELECT 1") is None  # in memory: not shared
    missing = tmp_path / "missing.db"
    assert Database(f"sqlite:///{missing}").read_now("SELECT 1") is None
    assert not missing.exists()


def test_a_kept_connection_is_the_threads_own_until_a_call_raises_or_dispose(
    tmp_path: Path,
) -> None:
    import threading

    import pytest

    database = _database(tmp_path)
    with database.kept_connection() as first:
        pass
    with database.kept_connection() as again:
        assert again is first  # kept between calls: no pool checkout
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(database.kept_connection().__enter__()))
    thread.start()
    thread.join()
    assert other[0] is not first  # another thread, its own
    with pytest.raises(ValueError), database.kept_connection() as failing:
        assert failing is first
        raise ValueError("a failed write")
    with database.kept_connection() as fresh:
        assert fresh is not first  # given back after the error, a new one taken
        fresh.cursor().execute("SELECT count(*) FROM contacts")
    database.dispose()
    with pytest.raises(Exception):  # noqa: B017 - closed by dispose, whichever error
        fresh.cursor().execute("SELECT 1")
