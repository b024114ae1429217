"""``jiuzhu telegram``: run the bot with long polling, or register the webhook URL."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING, Any

import anyio

from channels.texts import channel_text

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from channels.telegram.bot import Task, TelegramChannel


def register(subparsers: Any) -> None:
    say = channel_text
    command = subparsers.add_parser("telegram", help=say("telegram.cli_help"))
    command.add_argument("--webhook", metavar="URL", help=say("telegram.cli_webhook_help"))
    command.add_argument(
        "--poll-timeout", type=int, default=30, help=say("telegram.cli_poll_timeout_help")
    )
    command.set_defaults(handler=_telegram)


def _telegram(args: argparse.Namespace) -> int:
    from base.settings import Settings

    say = channel_text
    settings = Settings()
    if not settings.telegram_token:
        print(say("telegram.cli_no_token"), file=sys.stderr)
        return 2
    from bot.commands import check_start

    refused = check_start(settings, None)  # residents' data: refused on PostgreSQL
    if refused is not None:
        return refused
    settings.ensure_var_dir()
    if args.webhook:
        if not settings.telegram_webhook_secret:
            print(say("telegram.cli_no_secret"), file=sys.stderr)
            return 2
        asyncio.run(set_webhook(settings, args.webhook))
        print(say("telegram.cli_webhook_set", url=args.webhook))
        return 0
    print(say("telegram.cli_polling"), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_poll(settings, args.poll_timeout))
    return 0


async def set_webhook(settings: Any, url: str) -> None:
    from telegram import Update

    from channels.telegram.bot import build_application

    app = build_application(settings, polling=False)
    async with app:
        await app.bot.set_webhook(
            url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
        )


async def _poll(settings: Any, poll_timeout: int) -> None:
    from bot.runtime import Runtime

    runtime = Runtime(settings)
    stop = anyio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        await run_telegram(runtime, stop, poll_timeout=poll_timeout)
    finally:
        await runtime.aclose()


async def run_telegram(
    runtime: Runtime,
    stop: anyio.Event,
    *,
    poll_timeout: float = 30,
    reminders: bool = True,
    channel: TelegramChannel | None = None,
) -> TelegramChannel:
    """The ``jiuzhu telegram`` process: long polling; the outbox rows of the Telegram
    sinks (``staff:telegram``, ``resident:telegram``) and nothing else; the check-in
    reminder schedule. Until ``stop``."""
    from channels.telegram.bot import serve_polling

    channel = channel or runtime.telegram_channel()
    runtime.register_sinks(channel.sinks())
    tasks: list[Task] = [runtime.run_dispatcher]
    if reminders:
        tasks.append(runtime.reminder_schedule().run)
    await serve_polling(channel, stop, poll_timeout=poll_timeout, tasks=tasks)
    return channel
