"""Typed settings read from the environment (prefix ``JIUZHU_``).

Build one ``Settings`` object at start-up and pass it down; nothing here runs at import.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_database_url() -> str:
    return f"sqlite:///{Path('var') / 'jiuzhu.db'}"


DEFAULT_SECRET_KEY = "jiuzhu-local-development-key-change-me"
# Keys as public as the default: the embedded one and the placeholders of examples.
PUBLIC_SECRET_KEYS = frozenset({DEFAULT_SECRET_KEY, "change-me", "changeme", "secret", ""})
_LOOPBACK = ("127.", "localhost", "::1", "[::1]")


def is_loopback(host: str | None) -> bool:
    return host is not None and host.startswith(_LOOPBACK)


class UnsafeSettings(Exception):
    """The settings would expose personal data (a public default key on a real deployment)."""


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
    # Staff notifications go to this URL (JSON, Idempotency-Key) when no Telegram staff
    # group is configured; with neither, they go to the server log.
    staff_webhook_url: str | None = None
    admin_token: str | None = None
    # WeChat Official Account (公众号/服务号): the callback token of the 公众平台 settings,
    # the app's id and secret, the API server (unset: WeChat's own), the optional
    # EncodingAESKey (安全模式) and a template for messages outside the 48-hour window.
    wechat_token: str | None = None
    wechat_appid: str | None = None
    wechat_secret: str | None = None
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_aes_key: str | None = None
    wechat_template_id: str | None = None
    # SMS for reminders and status changes: log (default) | aliyun | tencent.
    sms_provider: str = "log"
    sms_api_base: str | None = None  # unset: the provider's own endpoint
    sms_key_id: str | None = None  # Aliyun AccessKey ID / Tencent SecretId
    sms_key_secret: str | None = None  # Aliyun AccessKey Secret / Tencent SecretKey
    sms_sign_name: str = ""  # the approved signature, e.g. 资阳区民政局
    sms_app_id: str | None = None  # Tencent: the SMS SdkAppId
    sms_region: str = "ap-guangzhou"  # Tencent: the API region
    sms_template_reminder: str | None = None  # the approved template ids
    sms_template_status: str | None = None
    sms_inbound_token: str | None = None  # ?token= of the reply callback (回复 TD)
    nlu_model: str | None = None
    # Key for encrypting 身份证号 at rest and keying look-up hashes. The default only
    # suits a local demo; deployments must set their own.
    secret_key: str = DEFAULT_SECRET_KEY
    # Earlier secret keys (comma separated): rows they encrypted still decrypt, and
    # ``jiuzhu keys rotate`` re-encrypts them under ``secret_key`` (docs/backend.md).
    old_secret_keys: str = ""
    # The REST channel: a trusted front end sends this in the X-Jiuzhu-Rest-Secret header
    # and its senders are believed; any other sender is unauthenticated (channels/rest.py).
    rest_secret: str | None = None
    # The Rasa action server: Rasa sends ``action_endpoint.token`` as the ``token``
    # query parameter. Required unless the server listens on loopback only.
    actions_token: str | None = None
    actions_max_body: int = 4 * 1024 * 1024  # bytes, after any decompression
    session_ttl_seconds: int = 7 * 24 * 3600
    # Threads per ``jiuzhu serve`` process for the synchronous database calls of turns and
    # the API (anyio's default is 40): each call is short, and a few threads keep 32
    # concurrent turns from fighting over the GIL (about 15 % less CPU a turn, 2 cores).
    serve_threads: int = Field(default=8, ge=1)
    session_history_turns: int = 10

    def ensure_var_dir(self) -> None:
        """Create the directory of an embedded SQLite file, if that is what we use."""
        if self.database_url.startswith("sqlite:///"):
            path = Path(self.database_url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)

    @property
    def old_keys(self) -> list[str]:
        return [key.strip() for key in self.old_secret_keys.split(",") if key.strip()]

    @property
    def default_secret(self) -> bool:
        """The key that encrypts (the first of several, see ``backend.pii``) is public."""
        return self.secret_key.split(",")[0].strip() in PUBLIC_SECRET_KEYS

    def check_secret(self, host: str | None = None) -> str | None:
        """Refuse the public default key where real people's data may be kept.

        Raises ``UnsafeSettings`` when the default key is used with PostgreSQL or on an
        address other than loopback; returns a warning for the embedded default (a
        local demo), else None. ``serve``, ``telegram`` and ``actions`` call it at start.
        """
        if not self.default_secret:
            return None
        if self.database_url.startswith("postgresql"):
            raise UnsafeSettings(
                "JIUZHU_SECRET_KEY 仍是公开的默认值，不能用于 PostgreSQL 数据库。"
                "请设置自己的密钥（例如 python -c 'import secrets; print(secrets.token_urlsafe(32))'）。"
            )
        if host is not None and not host.startswith(_LOOPBACK):
            raise UnsafeSettings(
                f"JIUZHU_SECRET_KEY 仍是公开的默认值，不能在 {host} 上对外提供服务。请设置自己的密钥。"
            )
        return "JIUZHU_SECRET_KEY 是默认值，只适合本机试用；正式使用请设置自己的密钥。"
