"""The backend inside the real application and the ``jiuzhu staff add`` command."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.db import alembic_config, make_engine, migrate_engine
from backend.models import Staff
from backend.service import Backend
from base.settings import Settings
from bot.app import create_app
from bot.cli import main
from tests.backend.conftest import ADMIN, PG_ADMIN_URL, auth


def test_the_served_app_migrates_and_serves_the_staff_api(backend_settings: Settings) -> None:
    with TestClient(create_app(backend_settings)) as client:
        assert client.get("/api/cases", headers=ADMIN).json() == []
        created = client.post(
            "/api/staff", json={"name": "周九", "role": "admin", "region": ""}, headers=ADMIN
        )
        assert created.status_code == 201
        assert client.get("/api/cases", headers=auth(created.json()["token"])).status_code == 200
        assert "案件列表" in client.get("/openapi.json").text


def test_staff_add_prints_the_token_once(
    backend_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JIUZHU_DATABASE_URL", backend_settings.database_url)
    monkeypatch.setenv("JIUZHU_SECRET_KEY", backend_settings.secret_key)
    assert (
        main(["staff", "add", "--name", "吴十", "--role", "caseworker", "--region", "长春镇"]) == 0
    )
    printed = capsys.readouterr().out
    token = re.search(r"jz_\S+", printed).group(0)  # type: ignore[union-attr]
    backend = Backend(backend_settings)
    try:
        staff = backend.staff_for_token(token)
        assert staff is not None and (staff.name, staff.region) == ("吴十", "长春镇")
        with backend.db.session() as session:
            assert token not in session.execute(select(Staff)).scalar_one().model_dump_json()
    finally:
        backend.close()
    assert main(["staff", "add", "--name", "x", "--role", "caseworker"]) == 2
    assert "辖区" in capsys.readouterr().out


def test_the_migrations_build_exactly_the_models(backend: Backend) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with backend.db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_processes_migrating_at_once_do_not_trip_over_each_other(
    backend_settings: Settings, tmp_path: Path
) -> None:
    """Four engines migrate the same empty database at the same time."""
    url = backend_settings.database_url
    fresh = None
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        fresh = f"jiuzhu_fresh_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{fresh}"')
        url = url.rsplit("/", 1)[0] + f"/{fresh}"
    engines = [make_engine(url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(migrate_engine, engines))
        with engines[0].connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        head = ScriptDirectory.from_config(alembic_config(engines[0])).get_current_head()
        assert version == [(head,)]
    finally:
        for engine in engines:
            engine.dispose()
        if fresh:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_outbox_status_command(
    backend: Backend,
    backend_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("JIUZHU_DATABASE_URL", backend_settings.database_url)
    assert main(["outbox", "status"]) == 0
    assert "发送队列为空" in capsys.readouterr().out
    backend.create_case(
        "feedback", channel="网上办", summary="建议", chat_channel="rest", chat_sender="9"
    )
    assert main(["outbox", "status"]) == 0
    assert capsys.readouterr().out.splitlines() == ["staff:log\tpending\t1"]
    # `outbox run` delivers what a process without a chat bot can: the staff log here
    assert main(["outbox", "run", "--drain"]) == 0
    assert main(["outbox", "status"]) == 0
    assert capsys.readouterr().out.splitlines() == ["staff:log\tdelivered\t1"]


def test_start_up_warns_when_the_coming_years_holidays_are_missing(
    backend_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from datetime import date

    from backend.rules import load_rules

    calendar = load_rules().calendar
    assert calendar.warning(date(2026, 6, 1)) is not None  # 2027 is not published yet
    assert "2027年" in (calendar.warning(date(2026, 12, 1)) or "")
    assert calendar.warning(date(2025, 6, 1)) is None  # 2025 and 2026 are both there
    with caplog.at_level("WARNING", logger="backend.service"):
        Backend(backend_settings).migrate()
    if calendar.missing_years(date.today()):
        assert any("节假日安排缺少" in r.getMessage() for r in caplog.records)
