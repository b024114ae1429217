"""Typed settings read from the environment (prefix ``JIUZHU_``).

Build one ``Settings`` object at start-up and pass it down; nothing here runs at import.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_database_url() -> str:
    return f"sqlite:///{Path('var') / 'jiuzhu.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIUZHU_", extra="ignore")

    database_url: str = Field(default_factory=_default_database_url)
    redis_url: str | None = None
    # Start of every Redis key, so several deployments (or tests) can share one Redis.
    redis_prefix: str = "jiuzhu:"
    region: str = "hunan-yiyang-ziyang"
    telegram_token: str | None = None
    telegram_staff_chat_id: str | None = None
    telegram_base_url: str | None = None
    telegram_webhook_secret: str | None = None
    admin_token: str | None = None
    nlu_model: str | None = None
    # Key for encrypting 身份证号 at rest and keying look-up hashes. The default only
    # suits a local demo; deployments must set their own.
    secret_key: str = "jiuzhu-local-development-key-change-me"
    session_ttl_seconds: int = 7 * 24 * 3600
    session_history_turns: int = 10

    def ensure_var_dir(self) -> None:
        """Create the directory of an embedded SQLite file, if that is what we use."""
        if self.database_url.startswith("sqlite:///"):
            path = Path(self.database_url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
