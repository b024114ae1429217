"""The real action server (``jiuzhu actions``) in a subprocess, and Rasa's requests to it.

One server per test module, on a free port of 127.0.0.1, with its own SQLite file;
``api`` is the FastAPI application on the same database (the staff API, screening).
Requests carry the example project's domain, as Rasa would send it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from base.settings import Settings
from bot.app import create_app

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "rasa"
ADMIN_TOKEN = "actions-test-admin-token-0123456789"
SECRET = "actions-test-secret-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def example_domain() -> dict[str, Any]:
    domain: dict[str, Any] = yaml.safe_load((EXAMPLE / "domain.yml").read_text("utf-8"))
    return domain


@dataclass
class ActionServer:
    url: str
    settings: Settings
    domain: dict[str, Any] = field(default_factory=example_domain)

    def post(self, body: Any, **kwargs: Any) -> httpx.Response:
        return httpx.post(f"{self.url}/webhook", json=body, timeout=30, **kwargs)

    def run(
        self,
        action: str,
        *,
        sender: str = "rasa-user",
        slots: dict[str, Any] | None = None,
        text: str = "",
        intent: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        events: list[dict[str, Any]] | None = None,
        channel: str = "rest",
        active_loop: dict[str, Any] | None = None,
        expect: int = 200,
    ) -> dict[str, Any]:
        """POST one action call as Rasa sends it; the parsed answer."""
        response = self.post(
            action_call(
                action,
                self.domain,
                sender=sender,
                slots=slots or {},
                text=text,
                intent=intent,
                entities=entities or [],
                events=events,
                channel=channel,
                active_loop=active_loop,
            )
        )
        assert response.status_code == expect, response.text
        body: dict[str, Any] = response.json()
        return body


def action_call(
    action: str,
    domain: dict[str, Any],
    *,
    sender: str,
    slots: dict[str, Any],
    text: str,
    intent: str | None,
    entities: list[dict[str, Any]],
    events: list[dict[str, Any]] | None,
    channel: str,
    active_loop: dict[str, Any] | None,
) -> dict[str, Any]:
    """Rasa's request to an action server (rasa/core/actions/action.py, RemoteAction)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.98} if intent else {},
        "entities": entities,
        "message_id": "m1",
        "metadata": {},
    }
    if events is None:
        events = [
            {"event": "action", "name": "action_session_start", "timestamp": 1.0},
            {"event": "session_started", "timestamp": 1.1},
            {"event": "action", "name": "action_listen", "timestamp": 1.2},
            {
                "event": "user",
                "text": text,
                "parse_data": latest,
                "input_channel": channel,
                "timestamp": 1.3,
            },
        ]
    all_slots = {name: None for name in domain.get("slots", {})}
    all_slots.update(slots)
    return {
        "next_action": action,
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": all_slots,
            "latest_message": latest,
            "latest_event_time": 1.3,
            "followup_action": None,
            "paused": False,
            "events": events,
            "latest_input_channel": channel,
            "active_loop": active_loop or {},
            "latest_action": {"action_name": "action_listen"},
            "latest_action_name": "action_listen",
        },
        "domain": domain,
        "version": "3.21.1",
    }


def user_event(text: str, channel: str = "rest", intent: str = "inform") -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"text": text, "intent": {"name": intent}, "entities": []},
        "input_channel": channel,
        "timestamp": 2.0,
    }


def slot_event(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value, "timestamp": 2.1}


def slot_sets(body: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in body["events"] if e["event"] == "slot"}


def texts_of(body: dict[str, Any]) -> list[str]:
    return [r["text"] for r in body["responses"]]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActionServer]:
    directory = tmp_path_factory.mktemp("actions")
    database = f"sqlite:///{directory / 'jiuzhu.db'}"
    port = free_port()
    env = {
        **os.environ,
        "JIUZHU_DATABASE_URL": database,
        "JIUZHU_ADMIN_TOKEN": ADMIN_TOKEN,
        "JIUZHU_SECRET_KEY": SECRET,
    }
    env.pop("JIUZHU_REDIS_URL", None)
    log = (directory / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "actions", "--host", "127.0.0.1", "--port", str(port)],
        cwd=directory,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError((directory / "server.log").read_text())
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the action server did not start")
            time.sleep(0.2)
        settings = Settings(
            database_url=database, admin_token=ADMIN_TOKEN, secret_key=SECRET, redis_url=None
        )
        yield ActionServer(url, settings)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def api(server: ActionServer) -> Iterator[TestClient]:
    """The HTTP API on the action server's database, as staff would call it."""
    with TestClient(create_app(server.settings)) as client:
        client.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        yield client
