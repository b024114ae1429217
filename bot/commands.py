"""Sub-commands of the bot package: ``serve`` and ``chat``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from typing import TYPE_CHECKING, Any

import anyio

from channels.texts import channel_text

if TYPE_CHECKING:
    from base.settings import Settings


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="运行 HTTP 服务（渠道、NLU、接口、工作台）")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)

    chat = subparsers.add_parser("chat", help="在终端里与助手对话")
    chat.add_argument("--sender", default="cli-user", help="会话的用户标识")
    chat.set_defaults(handler=_chat)


def check_start(settings: Settings, host: str | None) -> int | None:
    """The secret key's start-up check: 2 (and why, on stderr) when refused."""
    from base.settings import UnsafeSettings

    try:
        warning = settings.check_secret(host)
    except UnsafeSettings as refused:
        print(f"错误：{refused}", file=sys.stderr)
        return 2
    if warning:
        print(f"提示：{warning}", file=sys.stderr, flush=True)
    return None


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from base.settings import Settings
    from bot.app import create_app

    settings = Settings()
    refused = check_start(settings, args.host)
    if refused is not None:
        return refused
    settings.ensure_var_dir()
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def _chat(args: argparse.Namespace) -> int:
    from base.settings import Settings

    settings = Settings()
    settings.ensure_var_dir()
    return run_terminal_chat(settings, sender_id=args.sender)


def run_terminal_chat(settings: Settings, sender_id: str) -> int:
    """The terminal chat, with the outbox delivered while it runs."""
    from bot.runtime import Runtime
    from channels.terminal import chat_loop

    runtime = Runtime(settings)
    runtime.register_sinks(runtime.server_sinks())  # the staff log (or webhook)

    def read() -> str:
        return input(channel_text("terminal.prompt") + " ")

    def write(text: str) -> None:
        print(text, flush=True)

    async def main() -> None:
        stop = anyio.Event()
        try:
            async with anyio.create_task_group() as tasks:
                # Staff alerts go to the log (or webhook); replies and status changes
                # wait in the database and show up before the next answer.
                tasks.start_soon(runtime.run_dispatcher, stop)
                await chat_loop(runtime.engine, sender_id, read, write)
                stop.set()
        finally:
            await runtime.aclose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return 0
