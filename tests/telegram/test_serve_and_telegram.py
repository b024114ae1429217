"""``jiuzhu serve`` and ``jiuzhu telegram`` as real processes on one database (as
docker-compose runs them), the Telegram one against the local Bot API double: every
alert and every resident push arrives once, on the right channel."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import select

from backend.db import Database
from backend.models import OutboxMessage
from tests.telegram.conftest import STAFF_CHAT
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI, message_update

ROOT = Path(__file__).resolve().parents[2]
REST_SECRET = "serve-and-telegram-rest-secret"
ADMIN = "two-process-admin-token-0123456789"
RESIDENT = 700077  # a resident on Telegram
T = TypeVar("T")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(check: Callable[[], T], what: str, timeout: float = 90.0) -> T:
    """``check()`` once it is truthy; a bounded wait, polling every 50 ms."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class Process:
    def __init__(self, args: list[str], cwd: Path, env: dict[str, str], name: str) -> None:
        self.log = cwd / f"{name}.log"
        self._out = self.log.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=cwd,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> None:
        assert self.popen.poll() is None, self.output()

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=10)
        self._out.close()


class Deployment:
    """The two processes, their database and the staff API."""

    def __init__(self, url: str, tmp_path: Path, bot_api: FakeBotAPI, **extra: str) -> None:
        self.port = _free_port()
        self.bot_api = bot_api
        clean = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
        self.env = {
            **clean,
            "PYTHONPATH": str(ROOT),
            "JIUZHU_DATABASE_URL": url,
            "JIUZHU_ADMIN_TOKEN": ADMIN,
            "JIUZHU_SECRET_KEY": "serve-and-telegram-test-key",  # the default: not on PostgreSQL
            # the REST resident talks through a trusted front end (its inbox in full)
            "JIUZHU_REST_SECRET": REST_SECRET,
            "JIUZHU_TELEGRAM_TOKEN": TOKEN,
            "JIUZHU_TELEGRAM_BASE_URL": bot_api.base_url,
            **extra,
        }
        self.database = Database(url)
        self.tmp_path = tmp_path
        self.processes: list[Process] = []

    def start(self, *args: str) -> Process:
        name = args[0]
        process = Process(list(args), self.tmp_path, self.env, name)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            process.stop()
        self.database.dispose()

    # -- talking to it -------------------------------------------------------------------
    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        url = f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"
        response = httpx.post(
            url,
            json={"sender": sender, "message": text},
            headers={"X-Jiuzhu-Rest-Secret": REST_SECRET},
            timeout=60,
        )
        assert response.status_code == 200
        return list(response.json())

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(
            method,
            f"http://127.0.0.1:{self.port}/api{path}",
            headers={"Authorization": f"Bearer {ADMIN}"},
            timeout=30,
            **kwargs,
        )
        assert response.status_code < 300, response.text
        return response.json()

    def served(self, server: Process) -> bool:
        server.alive()
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/webhooks/rest/", timeout=2).is_success
        except httpx.TransportError:
            return False

    def rows(self) -> list[OutboxMessage]:
        with self.database.session() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)  # type: ignore[arg-type]
            return list(session.execute(query).scalars())

    def row(self, key: str) -> OutboxMessage | None:
        return next((row for row in self.rows() if row.key == key), None)

    def delivered(self, key: str) -> OutboxMessage | None:
        row = self.row(key)
        return row if row is not None and row.status == "delivered" else None


@pytest.fixture
def deployment(both_databases: str, tmp_path: Path, bot_api: FakeBotAPI) -> Iterator[Deployment]:
    running = Deployment(both_databases, tmp_path, bot_api)
    running.env["JIUZHU_TELEGRAM_STAFF_CHAT_ID"] = str(STAFF_CHAT)
    try:
        yield running
    finally:
        running.stop()


def _case_in(replies: list[dict[str, Any]]) -> str:
    import re

    text = "\n".join(reply["text"] for reply in replies)
    found = re.search(r"JZ\d{8}-\d{4,}", text)
    assert found, text
    return found.group(0)


def test_every_alert_and_push_arrives_once_on_the_right_channel(deployment: Deployment) -> None:
    bot_api = deployment.bot_api
    server = deployment.start("serve", "--port", str(deployment.port))
    telegram = deployment.start("telegram", "--poll-timeout", "1")
    _wait(lambda: deployment.served(server), "jiuzhu serve")
    _wait(lambda: (telegram.alive(), bot_api.sent("getUpdates"))[1], "jiuzhu telegram polling")

    # 1. an urgent request on the REST channel: exactly one post in the staff group
    web = "web-resident-1"
    urgent = _case_in(deployment.say(web, "家里着火了，房子烧没了"))
    created = _wait(lambda: deployment.delivered(f"{urgent}:created:staff"), "the staff alert")
    assert created.sink == "staff:telegram" and created.attempts == 1
    posts = [m for m in bot_api.messages_to(STAFF_CHAT) if urgent in m["text"]]
    assert len(posts) == 1 and posts[0]["text"].startswith(
        ("🚨", "🆘")
    )  # 🆘: a fire is a danger to life

    # 2. a Telegram resident's case moved on the staff API: pushed once, on Telegram
    bot_api.push(message_update(RESIDENT, "转人工"))
    reply = _wait(
        lambda: [m for m in bot_api.messages_to(RESIDENT) if "转给工作人员" in m["text"]],
        "the Telegram resident's answer",
    )
    handoff = _case_in(reply)
    before = len(bot_api.messages_to(RESIDENT))
    moved = deployment.api("POST", f"/cases/{handoff}/transitions", json={"to": "in_progress"})
    assert moved["status"] == "in_progress"
    [event_key] = [
        row.key
        for row in deployment.rows()
        if row.key.startswith(f"{handoff}:event:") and row.key.endswith(":resident")
    ]
    pushed = _wait(lambda: deployment.delivered(event_key), "the push to Telegram")
    assert pushed.sink == "resident:telegram" and pushed.attempts == 1
    news = bot_api.messages_to(RESIDENT)[before:]
    assert len(news) == 1 and handoff in news[0]["text"]

    # 3. the REST resident's case moved: shown once, with the next message in the REST chat
    deployment.api("POST", f"/cases/{urgent}/transitions", json={"to": "in_progress"})
    [waiting] = [
        row
        for row in deployment.rows()
        if row.key.startswith(f"{urgent}:event:") and row.key.endswith(":resident")
    ]
    assert (waiting.sink, waiting.status) == ("resident:inbox", "pending")
    replies = deployment.say(web, "你好")
    assert urgent in replies[0]["text"] and len(replies) > 1  # then the answer itself
    again = deployment.say(web, "你好")
    assert all(urgent not in reply["text"] for reply in again)
    assert deployment.row(waiting.key).status == "delivered"  # type: ignore[union-attr]

    # every staff row went to the group, once each; none went to the server log
    staff_rows = _wait(
        lambda: (
            (rows := [r for r in deployment.rows() if r.key.endswith(":staff")])
            and all(r.status == "delivered" for r in rows)
            and rows
        ),
        "every staff row delivered",
    )
    assert {row.sink for row in staff_rows} == {"staff:telegram"}
    assert len(bot_api.messages_to(STAFF_CHAT)) == len(staff_rows)
    assert {row.sink for row in deployment.rows()} <= {
        "staff:telegram",
        "resident:telegram",
        "resident:inbox",
    }
    assert "staff notification" not in server.output()
    assert "staff notification" not in telegram.output()
    assert not [c for c in bot_api.calls if c.status != 200 and c.method == "sendMessage"]


def test_without_a_staff_group_the_server_log_gets_the_alert(
    deployment: Deployment,
) -> None:
    """The control of the check above: with no staff chat, `serve` logs the alert and
    the Telegram process, running beside it, posts nothing."""
    del deployment.env["JIUZHU_TELEGRAM_STAFF_CHAT_ID"]
    bot_api = deployment.bot_api
    server = deployment.start("serve", "--port", str(deployment.port))
    telegram = deployment.start("telegram", "--poll-timeout", "1")
    _wait(lambda: deployment.served(server), "jiuzhu serve")
    _wait(lambda: (telegram.alive(), bot_api.sent("getUpdates"))[1], "jiuzhu telegram polling")
    urgent = _case_in(deployment.say("web-resident-2", "家里着火了，房子烧没了"))
    row = _wait(lambda: deployment.delivered(f"{urgent}:created:staff"), "the logged alert")
    assert row.sink == "staff:log"
    _wait(lambda: f"staff notification {urgent}:created:staff" in server.output(), "the log")
    assert bot_api.messages_to(STAFF_CHAT) == []
