"""Console sessions in the database: two processes (two ``ConsoleSessions`` over their own
connections to one database) see the same sign-ins, sign-outs, expiry and flashes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from backend.console_sessions import ABSOLUTE_SECONDS, IDLE_SECONDS, ConsoleSessions, sid_hash
from backend.db import Database
from backend.limits import Limits
from backend.models import ConsoleSessionRow, Staff
from backend.service import Backend
from backend.staff import StaffService


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def two(backend: Backend, clock: Clock) -> Iterator[tuple[ConsoleSessions, ConsoleSessions]]:
    databases = [Database(backend.settings.database_url) for _ in range(2)]
    made = tuple(
        ConsoleSessions(
            db, StaffService(db, backend.pii, backend.settings.admin_token), Limits(db), clock
        )
        for db in databases
    )
    yield made  # type: ignore[misc]
    for db in databases:
        db.dispose()


def test_a_session_made_in_one_process_is_seen_and_ended_in_the_other(
    backend: Backend, two: tuple[ConsoleSessions, ConsoleSessions]
) -> None:
    first, second = two
    staff, _token = backend.create_staff("王经办", "caseworker", "长春镇")
    made = first.create(staff)
    seen = second.get(made.sid)
    assert seen is not None
    assert (seen.staff.id, seen.staff.name, seen.csrf) == (staff.id, "王经办", made.csrf)
    assert second.get(made.sid + "x") is None
    second.end(made.sid)
    assert first.get(made.sid) is None


def test_the_table_holds_a_hash_not_the_session_id(
    backend: Backend, two: tuple[ConsoleSessions, ConsoleSessions]
) -> None:
    made = two[0].create(backend.staff_for_token(backend.settings.admin_token))  # type: ignore[arg-type]
    with backend.db.session() as session:
        row = session.execute(select(ConsoleSessionRow)).scalar_one()
    assert row.sid_hash == sid_hash(made.sid) != made.sid
    assert row.staff_id is None  # the environment admin


def test_idle_and_absolute_expiry(
    backend: Backend, two: tuple[ConsoleSessions, ConsoleSessions], clock: Clock
) -> None:
    first, second = two
    staff, _token = backend.create_staff("李经办", "caseworker", "长春镇")
    made = first.create(staff)
    clock.now += IDLE_SECONDS - 120
    assert second.get(made.sid) is not None  # in use: the expiry moves on
    clock.now += IDLE_SECONDS - 120
    assert first.get(made.sid) is not None
    clock.now += IDLE_SECONDS + 1
    assert first.get(made.sid) is None

    kept = first.create(staff)
    started = clock.now
    while clock.now - started < ABSOLUTE_SECONDS - IDLE_SECONDS:
        clock.now += IDLE_SECONDS / 2
        assert second.get(kept.sid) is not None
    clock.now = started + ABSOLUTE_SECONDS + 1
    assert second.get(kept.sid) is None
    with backend.db.session() as session:
        assert session.execute(select(ConsoleSessionRow)).scalars().all() == []


def test_a_deactivated_account_ends_its_sessions(
    backend: Backend, two: tuple[ConsoleSessions, ConsoleSessions]
) -> None:
    staff, _token = backend.create_staff("赵经办", "caseworker", "长春镇")
    made = two[0].create(staff)
    with backend.db.session() as session:
        session.execute(update(Staff).where(Staff.id == staff.id).values(active=False))
    assert two[1].get(made.sid) is None
    with backend.db.session() as session:
        assert session.execute(select(ConsoleSessionRow)).scalars().all() == []


def test_flashes_wait_for_the_next_page_in_any_process(
    backend: Backend, two: tuple[ConsoleSessions, ConsoleSessions]
) -> None:
    first, second = two
    staff, _token = backend.create_staff("钱经办", "caseworker", "长春镇")
    made = first.create(staff)
    made.flash("已保存。")
    made.flash("请核对。", "error")
    page = second.get(made.sid)
    assert page is not None
    assert page.take_flashes() == [("ok", "已保存。"), ("error", "请核对。")]
    again = first.get(made.sid)
    assert again is not None and again.take_flashes() == []


def test_the_sign_in_limit_is_counted_across_processes(
    two: tuple[ConsoleSessions, ConsoleSessions],
) -> None:
    first, second = two
    for n in range(9):
        (first if n % 2 else second).signin_failed("10.1.2.3")
    assert not first.signin_blocked("10.1.2.3")
    second.signin_failed("10.1.2.3")
    assert first.signin_blocked("10.1.2.3") and second.signin_blocked("10.1.2.3")
    assert not first.signin_blocked("10.1.2.4")
