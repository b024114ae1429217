"""Fixtures of the staff console tests: a backend on SQLite, the console on its own app
with a clock the tests move, signed-in clients for an admin and a caseworker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.service import Backend
from base.settings import Settings
from console import build_router
from console.state import ConsoleState
from nlu.validators import id_check_char

ADMIN_TOKEN = "console-admin-token-0123456789"
TOWNSHIP = "长春镇"
OTHER_TOWNSHIP = "沙头镇"


def valid_id(prefix17: str) -> str:
    return prefix17 + id_check_char(prefix17)


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def console_settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'console.db'}",
        admin_token=ADMIN_TOKEN,
        secret_key="console-test-secret",
    )


@pytest.fixture
def backend(console_settings: Settings) -> Iterator[Backend]:
    service = Backend(console_settings)
    service.migrate()
    yield service
    service.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(backend: Backend, clock: FakeClock) -> FastAPI:
    runtime = SimpleNamespace(backend=backend)
    application = FastAPI()
    application.include_router(build_router(runtime, ConsoleState(runtime, clock)))
    return application


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: TestClient, token: str) -> str:
    """Sign in and return the session's CSRF token (read from a signed-in page)."""
    page = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={"token": token, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/console/requests").text)


@pytest.fixture
def admin(app: FastAPI) -> Iterator[SimpleNamespace]:
    with TestClient(app) as client:
        yield SimpleNamespace(client=client, csrf=sign_in(client, ADMIN_TOKEN))


@pytest.fixture
def named_admin(app: FastAPI, backend: Backend) -> Iterator[SimpleNamespace]:
    """An administrator with a personal account (the env token is not a person)."""
    staff, token = backend.create_staff("孙管理", "admin")
    with TestClient(app) as client:
        yield SimpleNamespace(client=client, csrf=sign_in(client, token), staff=staff)


@pytest.fixture
def caseworker(app: FastAPI, backend: Backend) -> Iterator[SimpleNamespace]:
    staff, token = backend.create_staff("李经办", "caseworker", TOWNSHIP)
    with TestClient(app) as client:
        yield SimpleNamespace(client=client, csrf=sign_in(client, token), staff=staff, token=token)


def application(
    backend: Backend,
    *,
    name: str = "张三",
    id17: str = "43090219900101123",
    township: str = TOWNSHIP,
    village: str = "长春村",
    chat: bool = True,
    **extra: Any,
) -> str:
    outcome = backend.create_case(
        "application",
        programs=extra.pop("programs", ["dibao"]),
        applicant={"name": name, "id_number": valid_id(id17), "phone": "13800138000"},
        township=township,
        village=village,
        chat_channel="rest" if chat else None,
        chat_sender=f"resident-{id17}" if chat else None,
        **extra,
    )
    assert outcome.case is not None
    return outcome.case.case_no


def urgent(backend: Backend, township: str = TOWNSHIP, summary: str = "家里失火") -> str:
    outcome = backend.create_case(
        "urgent",
        applicant={"name": "赵六"},
        township=township,
        priority="urgent",
        summary=summary,
        chat_channel="rest",
        chat_sender="urgent-1",
    )
    assert outcome.case is not None
    return outcome.case.case_no
