"""Telegram webhook mode inside the FastAPI app: ``POST /webhooks/telegram``.

Telegram sends each update with the header ``X-Telegram-Bot-Api-Secret-Token`` set to
the secret given to setWebhook (``jiuzhu telegram --webhook URL``); a request without
the right secret is refused with 403, so nobody else can speak for Telegram. Without
``JIUZHU_TELEGRAM_TOKEN`` the route answers 404; with a token but no webhook secret
(polling mode, run by ``jiuzhu telegram``) it refuses everything and this process does
not talk to Telegram. In webhook mode the composition root (``bot.app``) builds the
channel, registers its sinks with this process's dispatcher and passes the check-in
reminder schedule as a task; the router's lifespan initialises the bot and runs the
tasks while the app serves.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from telegram import Update
from telegram.error import TelegramError

if TYPE_CHECKING:
    from base.settings import Settings
    from channels.telegram.bot import Task, TelegramChannel

log = logging.getLogger(__name__)

PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024


def webhook_mode(settings: Settings) -> bool:
    """Whether this process receives Telegram's updates (a token and a webhook secret)."""
    return bool(settings.telegram_token and settings.telegram_webhook_secret)


def build_router(
    settings: Settings, channel: TelegramChannel | None = None, tasks: Sequence[Task] = ()
) -> APIRouter:
    """The webhook route; ``channel`` is the bot in webhook mode (None otherwise: with a
    token alone the bot runs by polling in ``jiuzhu telegram``, and this process leaves
    Telegram alone)."""

    async def ready() -> bool:
        """Initialise the bot (getMe) once; Telegram being away must not stop the server."""
        assert channel is not None
        try:
            await channel.ready()  # returns at once when it already is
        except TelegramError as exc:
            log.error("Telegram bot could not be initialised: %s", exc)
            return False
        return True

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if channel is None:
            yield
            return
        await ready()
        stop = anyio.Event()
        try:
            async with anyio.create_task_group() as group:
                for task in tasks:
                    group.start_soon(task, stop)
                try:
                    yield
                finally:
                    stop.set()
        finally:
            await channel.application.shutdown()  # a no-op when it never started

    router = APIRouter(tags=["渠道 channels"], lifespan=lifespan)

    @router.post(PATH, summary="Telegram webhook (X-Telegram-Bot-Api-Secret-Token required)")
    async def webhook(request: Request) -> Any:
        if not settings.telegram_token:
            return JSONResponse(status_code=404, content={"detail": "telegram is not configured"})
        secret = settings.telegram_webhook_secret or ""
        given = request.headers.get(SECRET_HEADER, "")
        if channel is None or not hmac.compare_digest(given.encode(), secret.encode()):
            return JSONResponse(status_code=403, content={"detail": "forbidden"})
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse(status_code=413, content={"detail": "too large"})
        update = _update(body, channel)
        if update is None:
            return JSONResponse(status_code=400, content={"detail": "not a Telegram update"})
        if not await ready():  # Telegram sends the update again later
            return JSONResponse(status_code=503, content={"detail": "telegram unavailable"})
        await channel.application.process_update(update)
        return {"ok": True}

    return router


def _update(body: bytes, channel: TelegramChannel) -> Update | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    try:
        return Update.de_json(data, channel.application.bot)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
