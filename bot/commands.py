"""Sub-commands of the bot package: ``serve`` and ``chat``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from channels.texts import channel_text

if TYPE_CHECKING:
    from base.settings import Settings

CHAT_LOG = Path("var") / "jiuzhu-chat.log"  # beside the default database


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="运行 HTTP 服务（渠道、NLU、接口、工作台）")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="工作进程数（默认 1；各进程共用 Redis 或数据库里的会话）",
    )
    serve.set_defaults(handler=_serve)

    chat = subparsers.add_parser("chat", help="在终端里与助手对话")
    chat.add_argument("--sender", default="cli-user", help="会话的用户标识")
    chat.add_argument(
        "--say",
        action="append",
        metavar="TEXT",
        help="只发这句话（可重复），打印回复后退出；会话接着上次的",
    )
    chat.add_argument(
        "--log-file",
        default=str(CHAT_LOG),
        metavar="PATH",
        help=f"工作人员通知和运行日志写到这个文件（默认 {CHAT_LOG}），不显示给居民",
    )
    chat.add_argument("--verbose", action="store_true", help="日志也显示在终端里（调试用）")
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
    from backend.db import migrate
    from base.settings import Settings

    settings = Settings()
    refused = check_start(settings, args.host)
    if refused is not None:
        return refused
    settings.ensure_var_dir()
    problem = serve_problem(settings, args.workers)
    if problem:
        print(problem, file=sys.stderr, flush=True)
        return 2
    migrate(settings)  # once, before the workers start
    run_uvicorn("bot.app:create_app_from_env", args.host, args.port, args.workers)
    return 0


def run_uvicorn(factory: str, host: str, port: int, workers: int) -> None:
    """Serve the app made by ``factory`` (an import string): each worker process calls
    it and builds its own app. ``benchmarks/serve_bench.py`` serves its echo app
    through this too, so both are served the same way."""
    import uvicorn

    uvicorn.run(factory, factory=True, host=host, port=port, workers=workers, log_level="info")


def serve_problem(settings: Settings, workers: int) -> str | None:
    """Why ``serve`` must not start with these settings, or None."""
    if workers < 1:
        return "--workers 至少为 1。"
    if settings.redis_url:
        from backend.redis_store import SessionStoreUnavailable, check_redis

        try:
            check_redis(settings.redis_url)
        except SessionStoreUnavailable as exc:
            return str(exc)
        return None
    from base.memory_store import MemorySessionStore
    from bot.stores import make_store

    if workers > 1 and isinstance(make_store(settings), MemorySessionStore):
        return (
            f"--workers {workers} 需要各进程共用的会话存储：请设置 JIUZHU_REDIS_URL。"
            "内存中的会话只属于一个进程，同一段对话换到另一个进程就会从头开始。"
        )
    return None


def _chat(args: argparse.Namespace) -> int:
    from base.settings import Settings

    chat_logging(Path(args.log_file), verbose=args.verbose)
    settings = Settings()
    settings.ensure_var_dir()
    return run_terminal_chat(settings, sender_id=args.sender, say=args.say)


def chat_logging(path: Path, *, verbose: bool = False) -> None:
    """The terminal is the resident's: log lines (the staff notifications of the log
    sink, start-up warnings for the administrator) go to ``path``, and to the terminal's
    stderr too only with ``--verbose``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [logging.FileHandler(path, encoding="utf-8")]
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )


def run_terminal_chat(settings: Settings, sender_id: str, say: list[str] | None = None) -> int:
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
                await chat_loop(runtime.engine, sender_id, read, write, say=say)
                stop.set()
        finally:
            await runtime.aclose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return 0
