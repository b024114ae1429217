"""Failure limits live in the database: a second process (a second Limits over the same
database) sees the same count, and a key is locked only after its own failures."""

from __future__ import annotations

from datetime import timedelta

from backend.db import Database
from backend.limits import Limit, Limits
from backend.service import Backend

FIVE_AN_HOUR = Limit(failures=5, window=timedelta(hours=1))


def test_a_key_locks_after_its_failures_and_opens_after_clear(backend: Backend) -> None:
    limits = backend.limits
    for n in range(1, 5):
        assert limits.fail("status:JZ20261201-0001", FIVE_AN_HOUR) == n
        assert limits.locked_until("status:JZ20261201-0001", FIVE_AN_HOUR) is None
    limits.fail("status:JZ20261201-0001", FIVE_AN_HOUR)
    until = limits.locked_until("status:JZ20261201-0001", FIVE_AN_HOUR)
    assert until is not None
    # Another key is not touched by these failures.
    assert limits.locked_until("status:JZ20261201-0002", FIVE_AN_HOUR) is None
    limits.clear("status:JZ20261201-0001")
    assert limits.locked_until("status:JZ20261201-0001", FIVE_AN_HOUR) is None


def test_the_count_is_shared_by_another_connection(backend: Backend) -> None:
    other = Limits(Database(backend.settings.database_url))
    try:
        for _ in range(3):
            backend.limits.fail("bind:7", FIVE_AN_HOUR)
        for _ in range(2):
            other.fail("bind:7", FIVE_AN_HOUR)
        assert backend.limits.locked_until("bind:7", FIVE_AN_HOUR) is not None
        assert other.locked_until("bind:7", FIVE_AN_HOUR) is not None
    finally:
        other.database.dispose()


def test_failures_outside_the_window_do_not_count(backend: Backend) -> None:
    short = Limit(failures=2, window=timedelta(seconds=-1))  # every failure is already old
    backend.limits.fail("signin:10.0.0.1", short)
    backend.limits.fail("signin:10.0.0.1", short)
    assert backend.limits.locked_until("signin:10.0.0.1", short) is None
