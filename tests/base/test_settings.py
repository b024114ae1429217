"""The public default secret key is refused where real data may be kept."""

from __future__ import annotations

import pytest

from base.settings import Settings, UnsafeSettings


def test_default_key_is_refused_on_postgres() -> None:
    settings = Settings(database_url="postgresql+psycopg://x@127.0.0.1/db")
    with pytest.raises(UnsafeSettings):
        settings.check_secret("127.0.0.1")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.org"])
def test_default_key_is_refused_off_loopback(host: str) -> None:
    with pytest.raises(UnsafeSettings):
        Settings(database_url="sqlite:///x.db").check_secret(host)


def test_default_key_on_the_embedded_default_only_warns() -> None:
    warning = Settings(database_url="sqlite:///x.db").check_secret("127.0.0.1")
    assert warning is not None and "JIUZHU_SECRET_KEY" in warning


def test_an_own_key_passes_everywhere() -> None:
    settings = Settings(database_url="postgresql+psycopg://x@h/db", secret_key="s3cret-of-our-own")
    assert settings.check_secret("0.0.0.0") is None
