"""WeChat's API through wechatpy's ``WeChatClient``, pointed at ``WECHAT_API_BASE``
(a test double, or WeChat's own ``https://api.weixin.qq.com``), with the access token
kept in the database for every process (``backend.access_tokens``)."""

from __future__ import annotations

from typing import Any

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from backend.access_tokens import TokenCache
from backend.db import Database
from base.settings import Settings

# errcodes (https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html)
TOKEN_ERRORS = (40001, 40014, 42001)  # invalid / malformed / expired access_token
OUT_OF_WINDOW = 45015  # "response out of time limit": the 48-hour customer-service window
UNSUBSCRIBED = 43004  # the user no longer follows the account


class _DatabaseStorage(SessionStorage):  # type: ignore[misc]
    """wechatpy's token storage on the shared cache (only the access token is kept)."""

    def __init__(self, cache: TokenCache) -> None:
        self.cache = cache

    def get(self, key: str, default: Any = None) -> Any:
        return self.cache.get() or default

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        if value:
            self.cache.set(str(value), int(ttl or 7200))

    def delete(self, key: str) -> None:
        self.cache.forget()


class WeChatAPI(WeChatClient):  # type: ignore[misc]
    def __init__(self, settings: Settings, database: Database) -> None:
        if not (settings.wechat_appid and settings.wechat_secret):
            raise ValueError("JIUZHU_WECHAT_APPID and JIUZHU_WECHAT_SECRET are not set")
        self.cache = TokenCache(database, f"wechat:{settings.wechat_appid}")
        super().__init__(
            settings.wechat_appid,
            settings.wechat_secret,
            session=_DatabaseStorage(self.cache),
            timeout=10,
        )
        self.base = settings.wechat_api_base.rstrip("/")
        self.API_BASE_URL = f"{self.base}/cgi-bin/"

    @property
    def access_token(self) -> str:
        return self.cache.get() or self.fetch_access_token()["access_token"]

    def fetch_access_token(self) -> dict[str, Any]:
        """One fetch for every process: the cache's lock decides who fetches."""
        seen = self.cache.get()
        result: dict[str, Any] = {}

        def fetch() -> tuple[str, int]:
            # Not wechatpy's _fetch_access_token: that writes the storage, whose row this
            # transaction holds.
            response = self._http.get(
                f"{self.base}/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                },
                timeout=self.timeout,
            )
            answer = self._handle_token(response)
            result.update(answer)
            return str(answer["access_token"]), int(answer.get("expires_in", 7200))

        # The token in hand was refused (or is missing): a newer one than it will do.
        token = self.cache.refresh(fetch, failed=seen)
        return result or {"access_token": token}

    def _handle_token(self, response: requests.Response) -> dict[str, Any]:
        try:
            response.raise_for_status()
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise WeChatClientException(None, str(exc), client=self, response=response) from exc
        if not isinstance(answer, dict) or "access_token" not in answer:
            errcode = answer.get("errcode") if isinstance(answer, dict) else None
            errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
            raise WeChatClientException(errcode, errmsg, client=self, response=response)
        return answer
