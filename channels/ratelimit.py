"""Rate limits of the REST channel and the web chat page: per sender and per client
address (``channels/limits.yml``), counted in Redis when configured, else the case database
(``backend.rates``). Over a limit the channel answers a short Chinese reply with HTTP
429 and ``Retry-After``; the message is not handled. A limiter that cannot count (Redis
gone) lets the message through: the limits protect the service, they must not stop it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from backend.rates import DatabaseRates, Rate, RateLimiter, RedisRates
from base.datafiles import load_yaml
from base.settings import Settings
from channels.texts import channel_text

log = logging.getLogger(__name__)
LIMITS_FILE = Path(__file__).with_name("limits.yml")


def _rates() -> dict[str, Rate]:
    spec: dict[str, Any] = load_yaml(LIMITS_FILE)["rates"]
    return {
        name: Rate(int(item["limit"]), int(item["window_seconds"])) for name, item in spec.items()
    }


class MessageLimits:
    def __init__(self, limiter: RateLimiter, rates: dict[str, Rate] | None = None) -> None:
        self.limiter = limiter
        rates = rates or _rates()
        self.sender, self.address = rates["sender"], rates["address"]

    async def check(self, channel: str, sender: str, address: str | None) -> int | None:
        """None when the message may be handled, else the seconds to wait."""
        try:
            keys = [(f"{channel}:sender:{sender}", self.sender)]
            if address:
                keys.append((f"{channel}:address:{address}", self.address))
            waits = await self.limiter.hits(keys)
        except Exception:
            log.warning("rate limits unavailable; message let through", exc_info=True)
            return None
        found = [wait for wait in waits if wait is not None]
        return max(found) if found else None

    async def aclose(self) -> None:
        await self.limiter.aclose()


def make_limits(settings: Settings) -> MessageLimits:
    if settings.redis_url:
        return MessageLimits(RedisRates(settings.redis_url, settings.redis_prefix))
    return MessageLimits(DatabaseRates(settings.database_url))


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def too_fast(seconds: int, content: Any = None, headers: dict[str, str] | None = None) -> Any:
    """The 429 answer: ``content`` (the channel's own shape) or ``{"detail": …}``."""
    text = channel_text("rest.too_fast", seconds=seconds)
    body = content(text) if callable(content) else {"detail": text}
    return JSONResponse(
        status_code=429, content=body, headers={**(headers or {}), "Retry-After": str(seconds)}
    )
