"""Sub-commands of the bot package: ``serve`` and ``chat``."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="运行 HTTP 服务（渠道、NLU、接口、工作台）")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)

    chat = subparsers.add_parser("chat", help="在终端里与助手对话")
    chat.add_argument("--sender", default="cli-user", help="会话的用户标识")
    chat.set_defaults(handler=_chat)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from base.settings import Settings
    from bot.app import create_app

    settings = Settings()
    settings.ensure_var_dir()
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def _chat(args: argparse.Namespace) -> int:
    from base.settings import Settings
    from channels.terminal import run_terminal_chat

    settings = Settings()
    settings.ensure_var_dir()
    return run_terminal_chat(settings, sender_id=args.sender)
