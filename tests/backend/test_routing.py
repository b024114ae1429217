"""The sink of every notification is chosen when it is written, from the settings and
the case's chat channel; rows written before (migration 0005) get concrete sinks too."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from backend.db import make_engine, migrate_engine
from backend.followup import subscribe
from backend.models import OutboxMessage
from backend.routing import Routing
from backend.service import Backend
from base.settings import Settings
from tests.backend.conftest import PG_ADMIN_URL


def test_routing_from_the_settings() -> None:
    telegram = {"telegram_token": "1:x", "telegram_staff_chat_id": "-100"}
    assert Routing.from_settings(Settings(**telegram)).staff == "staff:telegram"
    both = Settings(**telegram, staff_webhook_url="http://hooks.test/")
    assert Routing.from_settings(both).staff == "staff:telegram"  # the group comes first
    # a token without a staff group does not make a staff channel
    hook = Settings(telegram_token="1:x", staff_webhook_url="http://hooks.test/")
    assert Routing.from_settings(hook).staff == "staff:webhook"
    assert Routing.from_settings(Settings(telegram_token="1:x")).staff == "staff:log"
    assert Routing.from_settings(Settings()).staff == "staff:log"
    routing = Routing()
    assert routing.resident("telegram") == "resident:telegram"
    assert [routing.resident(c) for c in ("rest", "cli", "web")] == ["resident:inbox"] * 3
    assert not routing.keeps_inbox("telegram") and routing.keeps_inbox("rest")


def _rows(backend: Backend) -> list[tuple[str, str, str | None]]:
    with backend.db.session() as session:
        found = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        return [(m.key.split(":", 1)[1], m.sink, m.chat_sender) for m in found]


@pytest.fixture
def telegram_backend(backend_settings: Settings) -> Iterator[Backend]:
    settings = backend_settings.model_copy(
        update={"telegram_token": "1:x", "telegram_staff_chat_id": "-100"}
    )
    backend = Backend(settings)
    backend.migrate()
    yield backend
    backend.close()


def test_each_row_names_the_sink_of_its_audience_and_chat(telegram_backend: Backend) -> None:
    backend = telegram_backend
    on_telegram = backend.create_case(
        "handoff", summary="求助", chat_channel="telegram", chat_sender="4242"
    ).case
    on_rest = backend.create_case(
        "handoff", summary="求助", chat_channel="rest", chat_sender="r1"
    ).case
    assert on_telegram is not None and on_rest is not None
    for case in (on_telegram, on_rest):
        backend.transition(case.case_no, "in_progress", "已安排", "小李")
    backend.message_resident(on_telegram.case_no, "马上联系您", "小李")
    backend.add_note(on_rest.case_no, "补充：在二港村", staff_text="补充了地点")
    rows = _rows(backend)
    staff = [sink for key, sink, _ in rows if key.endswith(":staff")]
    assert staff == ["staff:telegram"] * 5  # two created, two transitions, one note
    resident = [(sink, sender) for key, sink, sender in rows if not key.endswith(":staff")]
    assert resident == [
        ("resident:telegram", "4242"),
        ("resident:inbox", "r1"),
        ("resident:telegram", "4242"),
    ]


def test_a_follow_up_message_goes_to_the_residents_chat(telegram_backend: Backend) -> None:
    from flows.followup import rescreen_region
    from services.container import Services
    from tests.flows.test_followup import AFTER, BEFORE, HOUSEHOLD, REGION, statuses

    backend = telegram_backend
    for channel, sender in (("telegram", "77"), ("rest", "r7")):
        subscribe(
            backend,
            channel,
            sender,
            region=REGION,
            household=HOUSEHOLD,
            statuses=statuses(BEFORE),
            consent_version="1",
            screened_on=BEFORE,
        )
    assert rescreen_region(Services.around(backend), REGION, AFTER) == 2
    sinks = {sender: sink for _, sink, sender in _rows(backend)}
    assert sinks == {"77": "resident:telegram", "r7": "resident:inbox"}


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"jiuzhu_fresh_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_migration_gives_old_rows_concrete_sinks(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    try:
        migrate_engine(engine, "0004")
        old = [
            ("a:created:staff", "staff", {"text": "新案件"}),
            ("a:event:1:resident", "resident", {"chat_channel": "telegram", "sender": "42"}),
            ("a:event:2:resident", "resident", {"chat_channel": "rest", "sender": "r1"}),
            ("a:message:3", "resident", {"chat_channel": "cli", "sender": "cli-user"}),
        ]
        with engine.begin() as connection:
            for key, sink, payload in old:
                connection.exec_driver_sql(
                    "INSERT INTO outbox (key, sink, township, payload, status, attempts,"
                    " next_attempt_at, created_at) VALUES (%(key)s, %(sink)s, '', %(payload)s,"
                    " 'pending', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    if engine.dialect.name == "postgresql"
                    else "INSERT INTO outbox (key, sink, township, payload, status, attempts,"
                    " next_attempt_at, created_at) VALUES (:key, :sink, '', :payload,"
                    " 'pending', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    {"key": key, "sink": sink, "payload": json.dumps(payload)},
                )
        migrate_engine(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    OutboxMessage.key,
                    OutboxMessage.sink,
                    OutboxMessage.chat_channel,
                    OutboxMessage.chat_sender,
                ).order_by(OutboxMessage.id)
            ).all()
        assert [tuple(row) for row in rows] == [
            ("a:created:staff", "staff:log", None, None),
            ("a:event:1:resident", "resident:telegram", "telegram", "42"),
            ("a:event:2:resident", "resident:inbox", "rest", "r1"),
            ("a:message:3", "resident:inbox", "cli", "cli-user"),
        ]
        # and the inbox finds the waiting rows of the REST resident
        backend = Backend(Settings(database_url=fresh_url))
        try:
            assert len(backend.take_inbox("rest", "r1")) == 1
        finally:
            backend.close()
    finally:
        engine.dispose()
