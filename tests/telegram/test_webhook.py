"""Webhook mode: ``POST /webhooks/telegram`` inside the FastAPI app, and ``--webhook URL``."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from base.settings import Settings
from bot.app import create_app
from bot.cli import main
from bot.runtime import Runtime
from tests.telegram.conftest import STAFF_CHAT, WEBHOOK_SECRET
from tests.telegram.fake_bot_api import FakeBotAPI, message_update

RESIDENT = 700003
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def test_the_secret_is_required_and_a_valid_update_is_answered(
    tg_settings: Settings, bot_api: FakeBotAPI
) -> None:
    update = message_update(RESIDENT, "/start")
    runtime = Runtime(tg_settings)
    with TestClient(create_app(runtime=runtime)) as client:
        assert bot_api.sent("getMe"), "the bot is initialised with the app"
        # the server's dispatcher posts new requests to the staff group
        outcome = runtime.backend.create_case("feedback", summary="低保评议不公开")
        assert outcome.case is not None
        deadline = time.monotonic() + 15
        while not bot_api.sent(chat_id=STAFF_CHAT):
            assert time.monotonic() < deadline, "the staff group got nothing"
            time.sleep(0.05)
        assert outcome.case.case_no in bot_api.sent(chat_id=STAFF_CHAT)[0]["text"]

        assert client.post("/webhooks/telegram", json=update).status_code == 403
        wrong = client.post("/webhooks/telegram", json=update, headers={HEADER: "guess"})
        assert wrong.status_code == 403
        assert bot_api.sent(chat_id=RESIDENT) == []  # refused requests reach nobody

        good = client.post("/webhooks/telegram", json=update, headers={HEADER: WEBHOOK_SECRET})
        assert good.status_code == 200
        menu = bot_api.sent(chat_id=RESIDENT)
        assert len(menu) == 1 and "inline_keyboard" in menu[0]["reply_markup"]

        # Telegram retries an update it thinks we missed: the same update_id, once
        again = client.post("/webhooks/telegram", json=update, headers={HEADER: WEBHOOK_SECRET})
        assert again.status_code == 200
        assert len(bot_api.sent(chat_id=RESIDENT)) == 1

        for junk in (b"{not json", b"[]", b'{"update_id": "x"}', b'{"update_id": 9, "message": 5}'):
            bad = client.post("/webhooks/telegram", content=junk, headers={HEADER: WEBHOOK_SECRET})
            assert bad.status_code == 400, junk

    # after a restart the update is still known
    with TestClient(create_app(runtime=Runtime(tg_settings))) as client:
        again = client.post("/webhooks/telegram", json=update, headers={HEADER: WEBHOOK_SECRET})
        assert again.status_code == 200
        assert len(bot_api.sent(chat_id=RESIDENT)) == 1


def test_without_a_configured_secret_every_request_is_refused(
    tg_settings: Settings, bot_api: FakeBotAPI
) -> None:
    settings = tg_settings.model_copy(update={"telegram_webhook_secret": None})
    with TestClient(create_app(runtime=Runtime(settings))) as client:
        response = client.post(
            "/webhooks/telegram", json=message_update(RESIDENT, "/start"), headers={HEADER: ""}
        )
        assert response.status_code == 403
    assert bot_api.calls == []  # polling mode: the server leaves Telegram to `jiuzhu telegram`


def test_without_a_token_the_route_is_not_there(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.post("/webhooks/telegram", json={"update_id": 1}, headers={HEADER: "x"})
        assert response.status_code == 404


def test_the_command_registers_the_webhook_with_the_secret(
    tg_settings: Settings, bot_api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "JIUZHU_TELEGRAM_TOKEN": tg_settings.telegram_token,
        "JIUZHU_TELEGRAM_BASE_URL": tg_settings.telegram_base_url,
        "JIUZHU_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "JIUZHU_DATABASE_URL": tg_settings.database_url,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    url = "https://jiuzhu.example.org/webhooks/telegram"
    assert main(["telegram", "--webhook", url]) == 0
    registered = bot_api.sent("setWebhook")
    assert registered == [
        {
            "url": url,
            "secret_token": WEBHOOK_SECRET,
            "allowed_updates": ["message", "callback_query"],
        }
    ]
    monkeypatch.delenv("JIUZHU_TELEGRAM_WEBHOOK_SECRET")
    assert main(["telegram", "--webhook", url]) == 2
    assert len(bot_api.sent("setWebhook")) == 1


def test_the_server_starts_while_telegram_is_away(tg_settings: Settings) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings = tg_settings.model_copy(
        update={"telegram_base_url": f"http://127.0.0.1:{closed}/bot"}
    )
    with TestClient(create_app(runtime=Runtime(settings))) as client:
        assert client.get("/webhooks/rest/").status_code == 200
        response = client.post(
            "/webhooks/telegram",
            json=message_update(RESIDENT, "/start"),
            headers={HEADER: WEBHOOK_SECRET},
        )
        assert response.status_code == 503  # Telegram will deliver it again later
