"""``jiuzhu serve`` as a newcomer runs it: a real process answering the REST contract."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from base.datafiles import load_yaml
from base.settings import Settings
from bot.cli import build_parser
from tests.support.servers import require_redis


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(tmp_path: Path, port: int, **env: str) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env={**clean, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _say(process: subprocess.Popen[bytes], port: int, sender: str, text: str) -> list[dict]:  # type: ignore[type-arg]
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    deadline = time.monotonic() + 60
    while True:
        try:
            response = httpx.post(url, json={"sender": sender, "message": text}, timeout=30)
            assert response.status_code == 200
            return list(response.json())
        except httpx.TransportError:
            assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def test_serve_answers_the_rest_channel(tmp_path: Path) -> None:
    port = _free_port()
    process = _serve(tmp_path, port)
    try:
        replies = _say(process, port, "s1", "你好")
        assert replies[0]["recipient_id"] == "s1"
        assert "救助小助手" in replies[0]["text"]
        assert (tmp_path / "var").is_dir()  # embedded defaults live under ./var/
    finally:
        _stop(process)


def test_a_restarted_server_continues_the_form_from_redis(tmp_path: Path) -> None:
    redis_url = require_redis()
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    first = _serve(tmp_path, port, JIUZHU_REDIS_URL=redis_url)
    try:
        _say(first, port, sender, "/self_screening")
        assert "几口人" in _say(first, port, sender, "农村")[-1]["text"]
    finally:
        _stop(first)  # the process is gone between two turns of the form
    second = _serve(tmp_path, port, JIUZHU_REDIS_URL=redis_url)
    try:
        assert "3个人的年龄" in _say(second, port, sender, "3")[-1]["text"]
    finally:
        _stop(second)


def test_a_restarted_server_continues_the_form_on_the_embedded_default(tmp_path: Path) -> None:
    """No Redis: the session is kept in the SQLite file under ./var/."""
    port = _free_port()
    first = _serve(tmp_path, port)
    try:
        _say(first, port, "embedded", "/self_screening")
        assert "几口人" in _say(first, port, "embedded", "农村")[-1]["text"]
    finally:
        _stop(first)  # the process is gone between two turns of the form
    second = _serve(tmp_path, port)
    try:
        assert "3个人的年龄" in _say(second, port, "embedded", "3")[-1]["text"]
    finally:
        _stop(second)


def test_a_waiting_staff_reply_survives_a_restart(tmp_path: Path) -> None:
    port, admin = _free_port(), {"Authorization": "Bearer restart-admin-token-0123456789"}
    env = {"JIUZHU_ADMIN_TOKEN": admin["Authorization"].split()[1]}
    api = f"http://127.0.0.1:{port}/api/cases"
    first = _serve(tmp_path, port, **env)
    try:
        assert "转给工作人员" in _say(first, port, "waiting", "转人工")[-1]["text"]
        [case] = httpx.get(api, params={"kind": "handoff"}, headers=admin).json()
        sent = httpx.post(
            f"{api}/{case['case_no']}/messages",
            json={"text": "您好，我是民政办小李，明天上午给您回电话。"},
            headers=admin,
        )
        assert sent.status_code == 202
    finally:
        _stop(first)  # the reply has not been shown yet
    second = _serve(tmp_path, port, **env)
    try:
        replies = _say(second, port, "waiting", "你好")
        assert "明天上午给您回电话" in replies[0]["text"]
        assert all("明天上午" not in r["text"] for r in _say(second, port, "waiting", "你好"))
    finally:
        _stop(second)


def test_settings_come_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("JIUZHU_REDIS_URL", "redis://example:6379/1")
    monkeypatch.setenv("JIUZHU_REGION", "somewhere")
    monkeypatch.setenv("JIUZHU_ADMIN_TOKEN", "t0ken")
    settings = Settings()
    assert settings.redis_url == "redis://example:6379/1"
    assert settings.region == "somewhere"
    assert settings.admin_token == "t0ken"


def test_embedded_defaults_need_no_server(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in list(os.environ):
        if name.startswith("JIUZHU_"):
            monkeypatch.delenv(name)
    settings = Settings()
    assert settings.redis_url is None
    assert settings.database_url.startswith("sqlite:///var/")
    assert settings.region == "hunan-yiyang-ziyang"


def test_docker_compose_runs_commands_the_cli_has() -> None:
    compose = load_yaml(Path(__file__).parents[2] / "docker-compose.yml")
    services = compose["services"]
    assert {"redis", "postgres", "server", "telegram", "actions"} <= set(services)
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert services["server"]["command"][:2] == ["jiuzhu", "serve"]
    for service in services.values():
        command = service.get("command", [])
        if command[:1] == ["jiuzhu"]:
            assert command[1] in commands, f"docker-compose runs unknown command {command}"
    for name in ("server", "telegram"):
        env = services[name]["environment"]
        assert env["JIUZHU_REDIS_URL"].startswith("redis://")
        assert env["JIUZHU_DATABASE_URL"].startswith("postgresql")
