"""The web chat page's endpoints on the real app: signed sessions, the REST reply list,
waiting messages as server-sent events, 朗读 as WAV (and text only without espeak-ng)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from base.messages import BotReply, UserMessage
from base.settings import Settings
from bot.app import create_app
from channels.web import build_router
from channels.web.speech import VOICE, Speech
from channels.web.tokens import SessionTokens

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'web.db'}", secret_key="web-api-secret"
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_page_is_served_whole_with_no_outside_resources(client: TestClient) -> None:
    page = client.get("/chat")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert '<html lang="zh-CN">' in page.text and 'for="message"' in page.text
    assert "http://" not in page.text and "https://" not in page.text
    for name in ("chat.css", "chat.js"):
        asset = client.get(f"/chat/static/{name}")
        assert asset.status_code == 200 and "://" not in asset.text
    assert client.get("/chat/static/..%2Fspeech.py").status_code == 404


def test_sessions_are_signed_and_senders_never_chosen_by_the_page(client: TestClient) -> None:
    token = client.post("/chat/session", json={}).json()["token"]
    assert client.post("/chat/session", json={"token": token}).json()["token"] == token
    sender = token.rpartition(".")[0]
    replies = client.post("/chat/messages", json={"token": token, "message": "你好"}).json()
    assert replies and all(r["recipient_id"] == sender for r in replies)
    forged = f"{sender[:-1]}x.{token.rpartition('.')[2]}"
    refused = client.post("/chat/messages", json={"token": forged, "message": "你好"})
    assert refused.status_code == 401 and "会话已失效" in refused.json()["detail"]
    made_up = client.post("/chat/messages", json={"sender": "web-somebody", "message": "你好"})
    assert made_up.status_code == 401
    fresh = client.post("/chat/session", json={"token": forged}).json()["token"]
    assert fresh != forged and SessionTokens("web-api-secret").sender(fresh)
    assert SessionTokens("another-key").sender(token) is None  # a new key, new sessions


def test_a_status_change_arrives_as_a_server_sent_event(tmp_path: Path) -> None:
    import httpx

    from tests.console.live import LiveServer
    from tests.web.conftest import valid_id

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'sse.db'}", secret_key="sse-secret")
    app = create_app(settings)
    backend = app.state.runtime.backend
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=20) as http:
        token = http.post("/chat/session", json={}).json()["token"]
        sender = token.rpartition(".")[0]
        outcome = backend.create_case(
            "application",
            programs=["dibao"],
            applicant={"name": "王建国", "id_number": valid_id("43090219580101123")},
            chat_channel="web",
            chat_sender=sender,
        )
        case_no = outcome.case.case_no
        events: list[tuple[str, str]] = []
        with http.stream("GET", "/chat/events", params={"token": token}) as stream:
            event = ""
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    events.append((event, line.split(":", 1)[1].strip()))
                    if event == "ready":  # the page listens: staff accept the case now
                        backend.transition(case_no, "accepted", note="材料齐全", actor="staff:1:周")
                if any(kind == "message" for kind, _ in events):
                    break
        assert events[0][0] == "ready"
        [message] = [json.loads(data) for kind, data in events if kind == "message"]
        assert case_no in message["text"] and "受理" in message["text"]
        # Taken once: the next reply does not show it again.
        replies = http.post("/chat/messages", json={"token": token, "message": "你好"}).json()
        assert not any(case_no in reply["text"] for reply in replies)
        assert http.get("/chat/events", params={"token": "web-x.y"}).status_code == 401


class _Empty:
    async def take(self, channel: str, sender: str) -> list[str]:
        return []


@needs_espeak
def test_read_aloud_is_mandarin_wav(client: TestClient) -> None:
    token = client.post("/chat/session", json={}).json()
    assert token["speech"] is True
    answer = client.post("/chat/speech", json={"token": token["token"], "text": "您的申请已受理。"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(answer.content)) as sound:
        assert sound.getnframes() / sound.getframerate() > 0.5  # real sizes in the header
    assert client.post("/chat/speech", json={"token": "bad", "text": "你好"}).status_code == 401
    assert (
        client.post("/chat/speech", json={"token": token["token"], "text": "🙂"}).status_code == 422
    )


@needs_espeak
def test_the_pinyin_voice_reads_mandarin_where_plain_cmn_reads_english() -> None:
    def phonemes(voice: str) -> str:
        done = subprocess.run(
            ["espeak-ng", "-q", "-x", "-v", voice, "您的申请已受理"], capture_output=True, text=True
        )
        return done.stdout

    assert "(en)" in phonemes("cmn")  # espeak-ng 1.51: tone-numbered pinyin read as English
    assert "(en)" not in phonemes(VOICE)


def test_without_espeak_the_page_has_text_only(tmp_path: Path) -> None:
    speech = Speech(program="")
    assert speech.available is False
    app = FastAPI()
    app.include_router(build_router(_Nobody(), "k", _Empty(), speech=speech))
    with TestClient(app) as client:
        token = client.post("/chat/session", json={}).json()
        assert token["speech"] is False
        answer = client.post("/chat/speech", json={"token": token["token"], "text": "你好"})
        assert answer.status_code == 503 and "没有安装朗读" in answer.json()["detail"]


class _Nobody:
    async def handle(self, message: UserMessage) -> list[BotReply]:
        return []
