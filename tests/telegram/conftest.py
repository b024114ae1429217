from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import anyio
import pytest

from base.settings import Settings
from bot.runtime import Runtime
from channels.telegram.bot import TelegramChannel
from tests.backend.conftest import pg_database  # noqa: F401 - a fixture
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI

STAFF_CHAT = -1001234567890
WEBHOOK_SECRET = "s3cret-token_42"


@pytest.fixture
def bot_api() -> Iterator[FakeBotAPI]:
    server = FakeBotAPI()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite here; modules that touch the reminder and update tables also run on
    PostgreSQL (they override this with ``both_databases``)."""
    return f"sqlite:///{tmp_path / 'jiuzhu.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def both_databases(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jiuzhu.db'}"
    from tests.backend.conftest import _empty_postgres

    url: str = request.getfixturevalue("pg_database")
    _empty_postgres(url)
    return url


@pytest.fixture
def tg_settings(db_url: str, bot_api: FakeBotAPI) -> Settings:
    return Settings(
        database_url=db_url,
        redis_url=None,
        telegram_token=TOKEN,
        telegram_base_url=bot_api.base_url,
        telegram_staff_chat_id=str(STAFF_CHAT),
        telegram_webhook_secret=WEBHOOK_SECRET,
    )


async def eventually(check: Callable[[], object], timeout: float = 15.0) -> None:
    """Wait until ``check()`` is truthy (the bot works in other tasks and threads)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await anyio.sleep(0.02)


def connected(runtime: Runtime) -> TelegramChannel:
    """The bot over ``runtime``, its sinks registered as ``jiuzhu telegram`` does."""
    channel = runtime.telegram_channel()
    runtime.register_sinks(channel.sinks())
    return channel
