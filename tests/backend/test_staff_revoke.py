"""Revoking a staff account: its Bearer token, its console session and its bound chat
stop at once (API and ``jiuzhu staff revoke``; SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import build_router as api_router
from backend.service import Backend
from bot.cli import main
from console import build_router as console_router
from console.state import ConsoleState
from tests.backend.conftest import ADMIN, auth
from tests.console.conftest import sign_in


@pytest.fixture
def app(backend: Backend) -> FastAPI:
    runtime = SimpleNamespace(backend=backend)
    application = FastAPI()
    application.include_router(api_router(runtime))
    application.include_router(console_router(runtime, ConsoleState(runtime)))
    return application


@pytest.fixture
def http(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def test_a_revoked_token_stops_everywhere_at_once(
    app: FastAPI, http: TestClient, backend: Backend
) -> None:
    staff, token = backend.create_staff("李经办", "caseworker", "长春镇")
    assert backend.bind_staff_chat(token, "telegram", "7001") is not None
    with TestClient(app) as console:
        sign_in(console, token)
        assert console.get("/console/requests").status_code == 200
        assert http.get("/api/staff/me", headers=auth(token)).status_code == 200

        answer = http.post(f"/api/staff/{staff.id}/revoke", headers=ADMIN)
        assert answer.status_code == 200 and answer.json()["active"] is False

        assert http.get("/api/staff/me", headers=auth(token)).status_code == 401
        gone = console.get("/console/requests", follow_redirects=False)
        assert gone.status_code == 303 and gone.headers["location"].endswith("/console/login")
    assert backend.staff_for_chat("telegram", "7001") is None
    assert backend.bind_staff_chat(token, "telegram", "7002") is None  # not bindable again
    listed = {s["id"]: s["active"] for s in http.get("/api/staff", headers=ADMIN).json()}
    assert listed == {staff.id: False}


def test_delete_is_revoke_and_only_for_admins(http: TestClient, backend: Backend) -> None:
    staff, token = backend.create_staff("王经办", "caseworker", "长春镇")
    _, other_token = backend.create_staff("赵经办", "caseworker", "长春镇")
    refused = http.delete(f"/api/staff/{staff.id}", headers=auth(other_token))
    assert refused.status_code == 403
    assert http.delete(f"/api/staff/{staff.id}", headers=ADMIN).status_code == 204
    assert backend.staff_for_token(token) is None
    assert backend.staff_for_token(other_token) is not None
    assert http.delete("/api/staff/999999", headers=ADMIN).status_code == 404
    admin, admin_token = backend.create_staff("孙管理", "admin")
    assert http.delete(f"/api/staff/{admin.id}", headers=auth(admin_token)).status_code == 409


def test_the_command_revokes(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    staff, token = backend.create_staff("钱经办", "caseworker", "长春镇")
    monkeypatch.setenv("JIUZHU_DATABASE_URL", backend.settings.database_url)
    monkeypatch.setenv("JIUZHU_SECRET_KEY", backend.settings.secret_key)
    assert main(["staff", "revoke", str(staff.id)]) == 0
    assert "已停用工作人员" in capsys.readouterr().out
    assert backend.staff_for_token(token) is None
    assert main(["staff", "revoke", "424242"]) == 2
    assert main(["staff", "list"]) == 0
    assert "钱经办\tcaseworker\t长春镇\t已停用" in capsys.readouterr().out
