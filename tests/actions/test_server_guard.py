"""The action server's door: a token when one is set, no open server beyond loopback,
bodies capped before they are read and deflate bombs refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from actions.server import BodyTooLarge, UnsafeStart, check_start, inflate
from base.settings import Settings, UnsafeSettings
from tests.actions.conftest import SECRET, action_call, example_domain, free_port

TOKEN = "rasa-action-token-0123456789"
LIMIT = 64 * 1024


def start(
    directory: Path, extra: dict[str, str], host: str = "127.0.0.1"
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "JIUZHU_DATABASE_URL": f"sqlite:///{directory / 'jiuzhu.db'}",
        "JIUZHU_SECRET_KEY": SECRET,
        **extra,
    }
    env.pop("JIUZHU_REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "actions", "--host", host, "--port", str(port)],
        cwd=directory,
        env=env,
        stdout=(directory / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the action server did not start")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("guarded")
    extra = {"JIUZHU_ACTIONS_TOKEN": TOKEN, "JIUZHU_ACTIONS_MAX_BODY": str(LIMIT)}
    process, url = start(directory, extra)
    try:
        wait_ready(process, url, directory / "server.log")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def call_body() -> bytes:
    call = action_call(
        "action_policy_answer",
        example_domain(),
        sender="g",
        slots={"program": "dibao", "aspect": "what"},
        text="低保是什么",
        intent=None,
        entities=[],
        events=None,
        channel="rest",
        active_loop=None,
    )
    return json.dumps(call).encode()


def test_without_the_token_or_with_another_nothing_runs(guarded: str) -> None:
    body = call_body()
    headers = {"Content-Type": "application/json"}
    assert httpx.post(f"{guarded}/webhook", content=body, headers=headers).status_code == 401
    wrong = httpx.post(f"{guarded}/webhook?token=guess", content=body, headers=headers)
    assert wrong.status_code == 401
    assert httpx.get(f"{guarded}/actions").status_code == 401
    assert httpx.get(f"{guarded}/health").status_code == 200  # for the orchestrator
    right = httpx.post(f"{guarded}/webhook?token={TOKEN}", content=body, headers=headers)
    assert right.status_code == 200 and right.json()["responses"]


def test_an_oversized_body_is_refused_before_it_is_read(guarded: str) -> None:
    big = b'{"next_action": "action_policy_answer", "pad": "' + b"x" * (LIMIT * 4) + b'"}'
    answer = httpx.post(f"{guarded}/webhook?token={TOKEN}", content=big)
    assert answer.status_code == 413


def test_a_deflate_bomb_is_refused_and_a_small_deflate_call_runs(guarded: str) -> None:
    bomb = zlib.compress(b'{"next_action": "' + b" " * (50 * 1024 * 1024) + b'"}', 9)
    assert len(bomb) < LIMIT  # small on the wire …
    started = time.monotonic()
    answer = httpx.post(
        f"{guarded}/webhook?token={TOKEN}", content=bomb, headers={"Content-Encoding": "deflate"}
    )
    assert answer.status_code == 413  # … refused without inflating it all
    assert time.monotonic() - started < 10
    small = httpx.post(
        f"{guarded}/webhook?token={TOKEN}",
        content=zlib.compress(call_body()),
        headers={"Content-Encoding": "deflate", "Content-Type": "application/json"},
    )
    assert small.status_code == 200
    gzip = httpx.post(
        f"{guarded}/webhook?token={TOKEN}", content=b"x", headers={"Content-Encoding": "gzip"}
    )
    assert gzip.status_code == 415


def test_inflate_stops_at_the_limit() -> None:
    assert inflate(zlib.compress(b"a" * 100), 100) == b"a" * 100
    with pytest.raises(BodyTooLarge):
        inflate(zlib.compress(b"a" * 101), 100)


def test_no_open_server_beyond_loopback_without_a_token(tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite:///x.db", secret_key=SECRET)
    with pytest.raises(UnsafeStart):
        check_start(settings, "0.0.0.0")
    assert check_start(settings, "127.0.0.1") is None
    assert check_start(settings.model_copy(update={"actions_token": TOKEN}), "0.0.0.0") is None
    default_key = Settings(database_url="postgresql://x/y", actions_token=TOKEN)
    with pytest.raises(UnsafeSettings):
        check_start(default_key, "0.0.0.0")
    # the command says why and stops, before listening
    process, _ = start(tmp_path, {}, host="0.0.0.0")
    assert process.wait(timeout=60) == 2
    assert "JIUZHU_ACTIONS_TOKEN" in (tmp_path / "server.log").read_text()
