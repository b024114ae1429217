"""Fixtures of the backend tests: every backend test runs on SQLite and on PostgreSQL.

PostgreSQL: one fresh database per test session on 127.0.0.1:5432 (migrated once,
emptied before each test, dropped at the end). It is skipped only when no server
answers and ``CI`` is unset; in CI a missing server fails the tests.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import build_router
from backend.db import make_engine, migrate_engine
from backend.service import Backend
from base.settings import Settings
from tests.support.servers import require_postgres

ADMIN_TOKEN = "test-admin-token-0123456789"
SECRET = "test-secret-key"
PG_ADMIN_URL = os.environ.get(
    "JIUZHU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    require_postgres()
    name = f"jiuzhu_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin_dsn.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate_engine(engine)
    engine.dispose()
    yield url
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    # A session an earlier test left unclosed in a reference cycle keeps its connection
    # "idle in transaction" until the garbage collector runs, and TRUNCATE waits on it
    # forever (seen twice in the full suite at tests/services/test_identity.py, never
    # alone): collect first, and let whatever is still open fail this test loudly.
    gc.collect()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '30s'")
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ]
        conn.execute(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'backend.db'}"
    url: str = request.getfixturevalue("pg_database")
    _empty_postgres(url)
    return url


@pytest.fixture
def backend_settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, admin_token=ADMIN_TOKEN, secret_key=SECRET)


@pytest.fixture
def backend(backend_settings: Settings) -> Iterator[Backend]:
    service = Backend(backend_settings)
    service.migrate()
    yield service
    service.close()


@pytest.fixture
def client(backend: Backend) -> Iterator[TestClient]:
    """The backend router on its own app (``tests/backend/test_wiring.py`` checks the real app)."""
    app = FastAPI()
    app.include_router(build_router(SimpleNamespace(backend=backend)))
    with TestClient(app) as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


ADMIN = auth(ADMIN_TOKEN)


def applicant(id_number: str = "430902199001011231", name: str = "张三") -> dict[str, Any]:
    return {"name": name, "id_number": id_number, "phone": "13800138000"}


def valid_id(prefix17: str) -> str:
    from nlu.validators import id_check_char

    return prefix17 + id_check_char(prefix17)


def backdate_stage(backend: Backend, case_no: str, days: int) -> None:
    """Make the case's current stage begin ``days`` days earlier (公示 that has run)."""
    from datetime import timedelta

    from sqlalchemy import update

    from backend.models import Case

    with backend.db.session() as session:
        case = backend.cases.get(session, case_no)
        session.execute(
            update(Case)
            .where(Case.id == case.id)
            .values(stage_at=case.stage_at - timedelta(days=days))
        )


def approval(programs: tuple[str, ...] = ("dibao",), amount: float = 1172, start: str = ""):
    """An approval's details: the programs, the monthly amount, this month by default."""
    from backend.clock import local_day, utcnow
    from backend.schemas import Approval

    month = start or f"{local_day(utcnow()):%Y-%m}"
    return Approval(programs=list(programs), monthly_amount=amount, start_month=month)


def publicise(backend: Backend, case_no: str, actor: str = "staff:1 王五") -> None:
    """Walk an application from submitted to publicizing."""
    for status in ("accepted", "investigating", "reviewing", "publicizing"):
        backend.transition(case_no, status, "", actor)
