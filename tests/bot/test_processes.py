"""Two ``jiuzhu serve`` processes on one Redis and one PostgreSQL behave as one service.

One conversation alternates between them turn by turn and files its application once;
a console sign-in on one works on the other, and a sign-out on one ends it on both;
failed sign-ins split across both lock the address. Redis keys carry a prefix unique to
the test, the database is a fresh one, and each server is a real subprocess on a free
port. A session store that does not answer is an error, never a quiet fallback to the
memory of one process.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from redis import Redis

from base.settings import Settings
from bot.app import create_app
from flows.texts import texts
from tests.backend.conftest import PG_ADMIN_URL
from tests.support.serve import Server, free_port, fresh_postgres, serving, start_serve
from tests.support.servers import require_postgres, require_redis

REST_SECRET = "processes-rest-secret"
ADMIN_TOKEN = "two-process-admin-token-0123456789"
SECRET = "two-process-secret-key"

# The application conversation of tests/conversations/apply.yml, shortened to its turns.
APPLICATION: list[tuple[str, list[str]]] = [
    ("我想申请低保", ["在线申请", "申请人的姓名"]),
    ("我叫王建国", ["身份证号"]),
    ("430902195801011231", ["手机号"]),
    ("13807371234", ["乡镇（街道）"]),
    ("金华坪社区", ["几口人"]),
    ("2", ["年龄"]),
    ("68 65", []),
    ("5", ["收入"]),
    ("1200", ["告知承诺书"]),
    ("同意", ["家庭经济状况核对授权书"]),
    ("同意", ["身份证号：4309**********1231", "村（社区）：金花坪社区"]),
    ("确认无误", ["案件编号：JZ"]),
]


@pytest.fixture
def shared_env() -> Iterator[dict[str, str]]:
    """Settings of both servers: one Redis (own key prefix), one fresh PostgreSQL."""
    redis_url = require_redis()
    require_postgres()
    prefix = f"jiuzhu-test-{uuid.uuid4().hex[:10]}:"
    with fresh_postgres(PG_ADMIN_URL) as database_url:
        yield {
            "JIUZHU_REDIS_URL": redis_url,
            "JIUZHU_REDIS_PREFIX": prefix,
            "JIUZHU_DATABASE_URL": database_url,
            "JIUZHU_ADMIN_TOKEN": ADMIN_TOKEN,
            "JIUZHU_SECRET_KEY": SECRET,
            # residents talk through a trusted REST front end (their inbox in full)
            "JIUZHU_REST_SECRET": REST_SECRET,
        }
    client = Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def two_servers(shared_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    with serving(tmp_path, shared_env) as first, serving(tmp_path, shared_env) as second:
        yield first, second


def _say(server: Server, sender: str, text: str, trusted: bool = True) -> str:
    answer = httpx.post(
        f"{server.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers={"X-Jiuzhu-Rest-Secret": REST_SECRET} if trusted else {},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return "\n".join(item["text"] for item in answer.json())


def _status(database_url: str, key: str) -> str:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("SELECT status FROM outbox WHERE key = %s", (key,)).fetchone()
    return str(row[0]) if row else "missing"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _post_login(client: httpx.Client, token: str) -> httpx.Response:
    page = client.get("/console/login")
    return client.post("/console/login", data={"token": token, "csrf": _csrf(page.text)})


def _client(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30, follow_redirects=False)


def test_two_processes_share_conversations_console_sessions_and_limits(
    two_servers: tuple[Server, Server], shared_env: dict[str, str]
) -> None:
    first, second = two_servers
    sender = f"two-{uuid.uuid4().hex[:8]}"
    error = texts()("core.error")
    for turn, (text, expected) in enumerate(APPLICATION):
        server = (first, second)[turn % 2]
        reply = _say(server, sender, text)
        assert error not in reply, f"turn {turn} on port {server.port}: {reply}"
        for part in expected:
            assert part in reply, f"turn {turn} ({text}) on port {server.port}: {reply}"
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    cases = httpx.get(f"{first.url}/api/cases", headers=admin, timeout=30).json()
    assert [(c["kind"], c["status"], c["applicant_name"]) for c in cases] == [
        ("application", "submitted", "王建国")
    ]
    assert cases[0]["case_no"] in reply
    assert httpx.get(f"{second.url}/api/cases", headers=admin, timeout=30).json() == cases

    # A staff message, queued on one process, shows up in the resident's next answer on
    # the other process, once (the inbox is taken in the turn, in the database).
    note = "请明天上午带户口本到镇政府。"
    queued = httpx.post(
        f"{second.url}/api/cases/{cases[0]['case_no']}/messages",
        json={"text": note},
        headers=admin,
        timeout=30,
    )
    assert queued.status_code == 202, queued.text
    assert _say(first, sender, "你好").count(note) == 1
    assert note not in _say(second, sender, "你好")
    assert _status(shared_env["JIUZHU_DATABASE_URL"], queued.json()["key"]) == "delivered"

    # A console sign-in on the first process is valid on the second ...
    with _client(first) as on_first, _client(second) as on_second:
        signed = _post_login(on_first, ADMIN_TOKEN)
        assert signed.status_code == 303, signed.text
        cookie = on_first.cookies["jz_console"]
        on_second.cookies.set("jz_console", cookie, domain="127.0.0.1", path="/console")
        page = on_second.get("/console/requests")
        assert page.status_code == 200 and "王建国" in page.text
        assert on_first.get("/console/requests").status_code == 200
        # ... and a sign-out on the second ends it on the first as well.
        out = on_second.post("/console/logout", data={"csrf": _csrf(page.text)})
        assert out.status_code == 303
        gone = on_first.get("/console/requests")
        assert gone.status_code == 303 and gone.headers["location"] == "/console/login"

        # Ten failed sign-ins, split over both processes, lock the address on both.
        for n in range(10):
            refused = _post_login((on_first, on_second)[n % 2], f"wrong-{n}")
            assert refused.status_code == 401, (n, refused.text)
        for client in (on_first, on_second):
            locked = _post_login(client, ADMIN_TOKEN)
            assert locked.status_code == 429 and "15分钟" in locked.text


@pytest.mark.parametrize("where", ["redis+postgres", "embedded"])
def test_two_workers_of_one_server_share_one_conversation(
    where: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """``serve --workers 2``: turns land on either worker and the form still finishes,
    on Redis and PostgreSQL, and on the embedded default (sessions in the SQLite file)."""
    env = request.getfixturevalue("shared_env") if where != "embedded" else {}
    sender = f"workers-{uuid.uuid4().hex[:8]}"
    with serving(tmp_path, env, "--workers", "2") as server:
        reply = ""
        for text, expected in APPLICATION:
            reply = _say(server, sender, text, trusted=bool(env))
            for part in expected:
                assert part in reply, f"{text}: {reply}"
        health = httpx.get(f"{server.url}/health", timeout=10).json()
        assert health == {"status": "ok", "sessions": "ok", "database": "ok"}
        assert len(re.findall(r"Started server process", server.output())) == 2


def test_serve_refuses_to_start_when_redis_does_not_answer(tmp_path: Path) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    server = start_serve(tmp_path, {"JIUZHU_REDIS_URL": dead})
    try:
        assert server.process.wait(timeout=60) == 2
    finally:
        server.stop()
    assert "无法连接 Redis" in server.output()
    assert "JIUZHU_REDIS_URL" in server.output()


def test_an_unreachable_redis_fails_health_and_turns_instead_of_using_memory(
    tmp_path: Path,
) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'j.db'}", redis_url=dead)
    with TestClient(create_app(settings)) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["database"] == "ok"
        assert "无法连接 Redis" in health.json()["sessions"]
        for _ in range(2):  # the second turn finds no session kept in memory either
            answer = client.post(
                "/webhooks/rest/webhook", json={"sender": "s", "message": "/apply"}
            )
            assert [item["text"] for item in answer.json()] == [texts()("core.error")]
