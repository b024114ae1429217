"""``Contacts.touch`` on every message: one read when the account is already its
person's latest and was noted lately; a write whenever the order of the person's
accounts or a stale time would be wrong without it (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.contacts import TOUCH_EVERY, Contacts
from backend.models import Contact
from backend.service import Backend
from tests.backend.conftest import backend, backend_settings  # noqa: F401 - fixtures


@pytest.fixture
def contacts(backend: Backend) -> Iterator[Contacts]:  # noqa: F811
    yield Contacts(backend.db, "touch-test-secret")


def _used_at(contacts: Contacts, channel: str, sender: str) -> object:
    with contacts.database.session() as session:
        return session.execute(
            select(Contact.last_used_at).where(
                Contact.chat_channel == channel, Contact.sender == sender
            )
        ).scalar_one()


def _backdate(contacts: Contacts, channel: str, sender: str, by: timedelta) -> None:
    with contacts.database.session() as session:
        row = session.execute(
            select(Contact).where(Contact.chat_channel == channel, Contact.sender == sender)
        ).scalar_one()
        row.last_used_at = row.last_used_at - by


def _join(contacts: Contacts, first: tuple[str, str], second: tuple[str, str]) -> None:
    code = contacts.new_link_code(*first)
    assert contacts.link(code, *second) == "linked"


def test_a_second_message_soon_after_writes_nothing(contacts: Contacts) -> None:
    person = contacts.touch("web", "a")
    noted = _used_at(contacts, "web", "a")
    assert contacts.touch("web", "a") == person
    assert _used_at(contacts, "web", "a") == noted


def test_a_message_after_a_while_is_noted(contacts: Contacts) -> None:
    contacts.touch("web", "a")
    _backdate(contacts, "web", "a", TOUCH_EVERY + timedelta(seconds=5))
    stale = _used_at(contacts, "web", "a")
    contacts.touch("web", "a")
    assert _used_at(contacts, "web", "a") > stale  # type: ignore[operator]


def test_going_back_to_an_account_makes_it_the_latest_again(contacts: Contacts) -> None:
    contacts.touch("web", "a")
    _join(contacts, ("web", "a"), ("wechat", "b"))  # b, written from, is now the latest
    assert contacts.latest("web", "a").sender == "b"  # type: ignore[union-attr]
    # a was noted moments ago, but b came after it: the message on a is written
    contacts.touch("web", "a")
    assert contacts.latest("web", "a").sender == "a"  # type: ignore[union-attr]
    contacts.touch("wechat", "b")
    assert contacts.latest("web", "a").sender == "b"  # type: ignore[union-attr]


def test_a_tie_in_time_is_broken_as_routing_breaks_it(contacts: Contacts) -> None:
    contacts.touch("web", "a")
    _join(contacts, ("web", "a"), ("wechat", "b"))
    moment = _used_at(contacts, "web", "a")
    with contacts.database.session() as session:  # same time: the newer row comes first
        session.execute(update(Contact).values(last_used_at=moment))
    assert contacts.latest("web", "a").sender == "b"  # type: ignore[union-attr]
    contacts.touch("web", "a")  # not the first in the order: written
    assert contacts.latest("web", "a").sender == "a"  # type: ignore[union-attr]


def test_the_write_of_a_touch_leaves_the_connection_syncing_as_before(
    contacts: Contacts,
) -> None:
    """The touch itself commits without waiting for the disk (SQLite); the pooled
    connection then goes back to case writes, which must still sync fully."""
    if contacts.database.dialect != "sqlite":
        pytest.skip("a SQLite setting")
    engine = contacts.database.engine
    with engine.connect() as connection:
        usual = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    contacts.touch("web", "new-account")
    contacts.touch("web", "another")
    for _ in range(engine.pool.size() + 1):  # every pooled connection
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == usual
