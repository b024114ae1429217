"""``jiuzhu actions [--host H] [--port P]``: run the Rasa action server."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from actions.server import DEFAULT_PORT


def register(subparsers: Any) -> None:
    actions = subparsers.add_parser("actions", help="运行 Rasa 自定义动作服务（rasa-sdk）")
    actions.add_argument(
        "--host",
        default="127.0.0.1",
        help="监听地址；对外监听（如 0.0.0.0）须设置 JIUZHU_ACTIONS_TOKEN",
    )
    actions.add_argument("--port", type=int, default=DEFAULT_PORT)
    actions.set_defaults(handler=_actions)


def _actions(args: argparse.Namespace) -> int:
    from actions.server import UnsafeStart, run
    from base.settings import UnsafeSettings

    try:
        run(port=args.port, host=args.host)
    except (UnsafeStart, UnsafeSettings) as refused:
        print(f"错误：{refused}", file=sys.stderr)
        return 2
    return 0
