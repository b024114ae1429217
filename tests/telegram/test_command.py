"""``jiuzhu telegram`` as a process: long polling until SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from base.settings import Settings
from tests.telegram.fake_bot_api import FakeBotAPI, message_update


def test_the_command_polls_answers_and_stops_on_sigint(
    tg_settings: Settings, bot_api: FakeBotAPI
) -> None:
    env = {
        **os.environ,
        "JIUZHU_TELEGRAM_TOKEN": tg_settings.telegram_token or "",
        "JIUZHU_TELEGRAM_BASE_URL": tg_settings.telegram_base_url or "",
        "JIUZHU_TELEGRAM_STAFF_CHAT_ID": tg_settings.telegram_staff_chat_id or "",
        "JIUZHU_DATABASE_URL": tg_settings.database_url,
    }
    env.pop("JIUZHU_REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "telegram", "--poll-timeout", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        bot_api.push(message_update(700009, "/start"))
        deadline = time.monotonic() + 60
        while not bot_api.sent(chat_id=700009):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no answer from the polling bot"
            time.sleep(0.05)
        assert bot_api.sent("deleteWebhook"), "polling clears a webhook first"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "长轮询" in out
