"""Telegram's sending limits, applied to every Bot API call of the bot.

Telegram allows about 30 messages a second overall, one a second to one private chat
(short bursts pass) and 20 a minute to one group. ``SendLimiter`` keeps below that
with token buckets (defaults: 25/s overall, 1/s per private chat with a burst of 3,
20/min per group) and, when Telegram still answers 429 ``RetryAfter``, pauses *all*
sending for the time Telegram asks and tries the call again (``max_retries`` times).
Calls without a chat (getUpdates, answerCallbackQuery) are never held back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

_MAX_BUCKETS = 10_000


class TokenBucket:
    """``rate`` tokens a second, at most ``capacity`` saved up."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: there is one now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.updated) * self.rate >= self.capacity


def retry_seconds(exc: RetryAfter) -> float:
    # ``_retry_after`` is the timedelta behind the (deprecated int) ``retry_after``.
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(exc.retry_after)  # type: ignore[arg-type]


class SendLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        *,
        overall_per_second: float = 25.0,
        private_per_second: float = 1.0,
        private_burst: float = 3.0,
        group_per_minute: float = 20.0,
        group_burst: float = 5.0,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.private = (private_per_second, private_burst)
        self.group = (group_per_minute / 60.0, group_burst)
        self.max_retries = max_retries
        self.overall = TokenBucket(overall_per_second, overall_per_second, clock())
        self.chats: dict[str, TokenBucket] = {}
        self.paused_until = 0.0
        self.retries = 0  # how many 429s were waited out (for the log and the tests)
        self._lock = asyncio.Lock()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def _bucket(self, chat_id: Any, now: float) -> TokenBucket:
        key = str(chat_id)
        bucket = self.chats.get(key)
        if bucket is None:
            if len(self.chats) >= _MAX_BUCKETS:
                self.chats = {k: b for k, b in self.chats.items() if not b.full(now)}
            group = key.startswith("-") or key.startswith("@")
            rate, burst = self.group if group else self.private
            bucket = self.chats[key] = TokenBucket(rate, burst, now)
        return bucket

    async def acquire(self, chat_id: Any) -> None:
        """Wait until a message to ``chat_id`` is within the limits, and count it."""
        while True:
            async with self._lock:
                now = self.clock()
                wait = self.paused_until - now
                if wait <= 0:
                    bucket = self._bucket(chat_id, now)
                    wait = max(self.overall.wait(now), bucket.wait(now))
                    if wait <= 0:
                        self.overall.take()
                        bucket.take()
                        return
            await asyncio.sleep(wait)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        attempt = 0
        while True:
            if chat_id is not None:
                await self.acquire(chat_id)
            else:
                await self._wait_pause()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt >= self.max_retries:
                    raise
                attempt += 1
                self.retries += 1
                delay = retry_seconds(exc)
                log.warning("Telegram flood limit on %s: waiting %.1fs", endpoint, delay)
                async with self._lock:
                    self.paused_until = max(self.paused_until, self.clock() + delay)

    async def _wait_pause(self) -> None:
        wait = self.paused_until - self.clock()
        if wait > 0:
            await asyncio.sleep(wait)
