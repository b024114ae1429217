"""``serve``, ``telegram`` and ``actions`` refuse the public default secret key on
PostgreSQL or off loopback, and warn on the embedded default."""

from __future__ import annotations

import pytest

from base.settings import Settings
from bot.cli import main
from bot.commands import check_start

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> pytest.MonkeyPatch:  # type: ignore[no-untyped-def]
    import os

    for name in list(os.environ):
        if name.startswith("JIUZHU_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--host", "0.0.0.0", "--port", "1"],
        ["actions", "--host", "0.0.0.0", "--port", "1"],
    ],
)
def test_off_loopback_the_default_key_is_refused(
    env: pytest.MonkeyPatch, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("JIUZHU_ACTIONS_TOKEN", "t" * 20)
    assert main(argv) == 2
    assert "JIUZHU_SECRET_KEY" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["serve", "--port", "1"], ["telegram"], ["actions", "--port", "1"]]
)
def test_on_postgres_the_default_key_is_refused(
    env: pytest.MonkeyPatch, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("JIUZHU_DATABASE_URL", PG)
    env.setenv("JIUZHU_TELEGRAM_TOKEN", "123:abc")
    assert main(argv) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_a_placeholder_key_is_as_public_as_the_default(env: pytest.MonkeyPatch) -> None:
    env.setenv("JIUZHU_SECRET_KEY", "change-me")  # docker-compose's placeholder
    env.setenv("JIUZHU_DATABASE_URL", PG)
    assert main(["serve", "--port", "1"]) == 2


def test_the_embedded_default_warns_and_an_own_key_is_quiet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert check_start(Settings(database_url="sqlite:///x.db"), "127.0.0.1") is None
    assert "只适合本机试用" in capsys.readouterr().err
    own = Settings(database_url=PG, secret_key="our-own-key-0123456789")
    assert check_start(own, "0.0.0.0") is None
    assert capsys.readouterr().err == ""
