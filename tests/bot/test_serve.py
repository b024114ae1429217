"""``jiuzhu serve`` as a newcomer runs it: a real process answering the REST contract."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.cli import build_parser
from bot.datafiles import load_yaml
from bot.settings import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_the_rest_channel(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.post(url, json={"sender": "s1", "message": "你好"}, timeout=10)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()[0]["recipient_id"] == "s1"
        assert "救助小助手" in response.json()[0]["text"]
        assert (tmp_path / "var").is_dir()  # embedded defaults live under ./var/
    finally:
        process.terminate()
        process.wait(timeout=30)


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
    assert {"redis", "postgres", "server", "telegram"} <= set(services)
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert services["server"]["command"][:2] == ["jiuzhu", "serve"]
    assert "serve" in commands
    for name in ("server", "telegram"):
        env = services[name]["environment"]
        assert env["JIUZHU_REDIS_URL"].startswith("redis://")
        assert env["JIUZHU_DATABASE_URL"].startswith("postgresql")
