"""Sign-in, sessions, sign-out, the failed sign-in limit, security headers."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from backend.models import ConsoleSessionRow, FailedAttempt, Staff
from backend.service import Backend
from console import build_router
from console.security import ABSOLUTE_SECONDS, FAILED_LOGIN_WINDOW, IDLE_SECONDS
from console.state import ConsoleState
from tests.console.conftest import ADMIN_TOKEN, FakeClock, csrf_of, sign_in

PAGES = ["/console/requests", "/console/intake", "/console/checkins", "/console/stats"]


def _post_login(client: TestClient, token: str) -> object:
    page = client.get("/console/login")
    return client.post(
        "/console/login", data={"token": token, "csrf": csrf_of(page.text)}, follow_redirects=False
    )


def test_sign_in_sets_a_strict_http_only_session_cookie(anonymous: TestClient) -> None:
    response = _post_login(anonymous, ADMIN_TOKEN)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/console/requests"  # type: ignore[attr-defined]
    cookie = next(
        c
        for c in response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
        if c.startswith("jz_console=")
    )
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert "Path=/console" in cookie
    page = anonymous.get("/console/requests")
    assert page.status_code == 200
    assert "管理员" in page.text


def test_staff_tokens_sign_in_and_unknown_ones_are_refused(
    anonymous: TestClient, backend: Backend
) -> None:
    refused = _post_login(anonymous, "not-a-token")
    assert refused.status_code == 401  # type: ignore[attr-defined]
    assert "访问令牌无效" in refused.text  # type: ignore[attr-defined]
    assert anonymous.get("/console/requests", follow_redirects=False).status_code == 303
    _staff, token = backend.create_staff("王经办", "caseworker", "长春镇")
    assert _post_login(anonymous, token).status_code == 303  # type: ignore[attr-defined]
    assert "王经办（长春镇）" in anonymous.get("/console/requests").text


def test_sign_in_without_the_login_form_token_is_refused(anonymous: TestClient) -> None:
    response = anonymous.post(
        "/console/login", data={"token": ADMIN_TOKEN, "csrf": "forged"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "jz_console=" not in response.headers.get("set-cookie", "")


def _age_failures(backend: Backend, seconds: float) -> None:
    """Move the stored failed attempts back in time (the limit is kept in the database)."""
    with backend.db.session() as session:
        for attempt in session.execute(select(FailedAttempt)).scalars():
            attempt.at -= timedelta(seconds=seconds)


def test_ten_failed_sign_ins_per_15_minutes_then_refused(
    anonymous: TestClient, backend: Backend
) -> None:
    for _ in range(9):
        assert _post_login(anonymous, "wrong").status_code == 401  # type: ignore[attr-defined]
    assert _post_login(anonymous, ADMIN_TOKEN).status_code == 303  # type: ignore[attr-defined]
    assert _post_login(anonymous, "wrong").status_code == 401  # type: ignore[attr-defined]
    blocked = _post_login(anonymous, ADMIN_TOKEN)  # even the right token, from this address
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert "15分钟" in blocked.text  # type: ignore[attr-defined]
    _age_failures(backend, FAILED_LOGIN_WINDOW - 60)
    assert _post_login(anonymous, ADMIN_TOKEN).status_code == 429  # type: ignore[attr-defined]
    _age_failures(backend, 61)
    assert _post_login(anonymous, ADMIN_TOKEN).status_code == 303  # type: ignore[attr-defined]


def test_the_sign_in_limit_is_shared_by_a_second_console(
    app: FastAPI, backend: Backend, clock: FakeClock
) -> None:
    """Another process (a second console over the same database) counts the same failures."""
    runtime = SimpleNamespace(backend=backend)
    other = FastAPI()
    other.include_router(build_router(runtime, ConsoleState(runtime, clock)))
    with TestClient(app) as first, TestClient(other) as second:
        for n in range(10):
            client = first if n % 2 else second
            assert _post_login(client, "wrong").status_code == 401  # type: ignore[attr-defined]
        assert _post_login(first, ADMIN_TOKEN).status_code == 429  # type: ignore[attr-defined]
        assert _post_login(second, ADMIN_TOKEN).status_code == 429  # type: ignore[attr-defined]


def test_a_session_made_by_one_console_works_on_another(
    admin: SimpleNamespace, backend: Backend, clock: FakeClock
) -> None:
    runtime = SimpleNamespace(backend=backend)
    other = FastAPI()
    other.include_router(build_router(runtime, ConsoleState(runtime, clock)))
    cookie = admin.client.cookies.get("jz_console")
    with TestClient(other) as second:
        second.cookies.set("jz_console", cookie, path="/console")
        assert second.get("/console/requests", follow_redirects=False).status_code == 200
        done = second.post("/console/logout", data={"csrf": admin.csrf}, follow_redirects=False)
        assert done.status_code == 303
    assert admin.client.get("/console/requests", follow_redirects=False).status_code == 303


def test_only_a_hash_of_the_session_id_is_stored(admin: SimpleNamespace, backend: Backend) -> None:
    signed = admin.client.cookies.get("jz_console")
    sid = signed.rpartition(".")[0]
    with backend.db.session() as session:
        rows = session.execute(select(ConsoleSessionRow)).scalars().all()
    assert len(rows) == 1
    assert rows[0].sid_hash == hashlib.sha256(sid.encode()).hexdigest()
    assert sid not in rows[0].model_dump_json()
    assert rows[0].csrf == admin.csrf


def test_pages_need_a_session(anonymous: TestClient) -> None:
    for path in [*PAGES, "/console/cases/JZ20261126-0001", "/console"]:
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console"), path
    assert (
        anonymous.get("/console/requests", follow_redirects=False).headers["location"]
        == "/console/login"
    )
    live = anonymous.get("/console/requests/rows", headers={"X-Requested-With": "fetch"})
    assert live.status_code == 401


def test_a_forged_session_cookie_is_refused(anonymous: TestClient) -> None:
    anonymous.cookies.set("jz_console", "made-up-session.0000", path="/console")
    assert anonymous.get("/console/requests", follow_redirects=False).status_code == 303


def test_sessions_expire_when_idle_and_after_the_absolute_limit(
    admin: SimpleNamespace, clock: FakeClock
) -> None:
    client = admin.client
    clock.advance(IDLE_SECONDS - 60)
    assert client.get("/console/requests", follow_redirects=False).status_code == 200
    clock.advance(IDLE_SECONDS + 1)
    expired = client.get("/console/requests", follow_redirects=False)
    assert expired.status_code == 303
    assert expired.headers["location"] == "/console/login"

    sign_in(client, ADMIN_TOKEN)
    for _ in range(int(ABSOLUTE_SECONDS // (IDLE_SECONDS - 60)) + 1):
        clock.advance(IDLE_SECONDS - 60)  # active all day long
        client.get("/console/requests", follow_redirects=False)
    assert client.get("/console/requests", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_on_the_server(app: FastAPI, admin: SimpleNamespace) -> None:
    cookie = admin.client.cookies.get("jz_console")
    refused = admin.client.post("/console/logout", data={"csrf": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    done = admin.client.post("/console/logout", data={"csrf": admin.csrf}, follow_redirects=False)
    assert done.status_code == 303
    with TestClient(app) as replay:  # the old cookie, replayed, no longer works
        replay.cookies.set("jz_console", cookie, path="/console")
        assert replay.get("/console/requests", follow_redirects=False).status_code == 303


def test_a_deactivated_account_loses_its_session(
    caseworker: SimpleNamespace, backend: Backend
) -> None:
    assert caseworker.client.get("/console/requests").status_code == 200
    with backend.db.session() as session:
        session.execute(update(Staff).where(Staff.id == caseworker.staff.id).values(active=False))
    assert caseworker.client.get("/console/requests", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path", ["/console/login", *PAGES, "/console/static/console.js"])
def test_every_answer_has_a_content_security_policy(admin: SimpleNamespace, path: str) -> None:
    response = admin.client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    if path.endswith(".js"):
        return
    assert response.headers["cache-control"] == "no-store"
    assert "<script>" not in response.text  # no inline scripts
    assert 'style="' not in response.text  # no inline styles either


def test_error_pages_also_carry_the_policy(admin: SimpleNamespace) -> None:
    missing = admin.client.get("/console/cases/JZ20200101-0001")
    assert missing.status_code == 404
    assert "没有找到案件" in missing.text
    assert "content-security-policy" in missing.headers
    assert admin.client.get("/console/static/../web.py").status_code == 404


def test_unknown_console_paths_answer_a_chinese_404_with_the_policy(
    admin: SimpleNamespace,
) -> None:
    response = admin.client.get("/console/no-such-page")
    assert response.status_code == 404
    assert "没有这个页面" in response.text
    assert "content-security-policy" in response.headers


def test_signing_in_again_replaces_the_session(app: FastAPI, admin: SimpleNamespace) -> None:
    old = admin.client.cookies.get("jz_console")
    sign_in(admin.client, ADMIN_TOKEN)
    assert admin.client.cookies.get("jz_console") != old
    with TestClient(app) as replay:
        replay.cookies.set("jz_console", old, path="/console")
        assert replay.get("/console/requests", follow_redirects=False).status_code == 303


def test_after_signing_in_the_page_asked_for_opens(anonymous: TestClient, backend: Backend) -> None:
    from tests.console.conftest import application

    case_no = application(backend)
    asked = anonymous.get(f"/console/cases/{case_no}", follow_redirects=False)
    assert asked.headers["location"] == f"/console/login?next=%2Fconsole%2Fcases%2F{case_no}"
    page = anonymous.get(asked.headers["location"])
    assert f'name="next" value="/console/cases/{case_no}"' in page.text
    signed = anonymous.post(
        "/console/login",
        data={
            "token": ADMIN_TOKEN,
            "csrf": csrf_of(page.text),
            "next": f"/console/cases/{case_no}",
        },
        follow_redirects=False,
    )
    assert signed.headers["location"] == f"/console/cases/{case_no}"


def test_only_console_pages_are_followed_after_sign_in() -> None:
    from console.web import safe_next

    assert safe_next("/console/cases/JZ20261126-0001") == "/console/cases/JZ20261126-0001"
    assert safe_next("/console/checkins?quarter=2026Q3") == "/console/checkins?quarter=2026Q3"
    for bad in (
        "https://evil.example/",
        "//evil.example/console/",
        "/console//evil.example",
        "/console/\\evil",
        "/api/cases",
        "/console/logout",
        "",
        None,
    ):
        assert safe_next(bad) == "/console/requests", bad
