"""``jiuzhu actions [--host H] [--port P]``: run the Rasa action server."""

from __future__ import annotations

import argparse
from typing import Any

from actions.server import DEFAULT_PORT


def register(subparsers: Any) -> None:
    actions = subparsers.add_parser("actions", help="运行 Rasa 自定义动作服务（rasa-sdk）")
    actions.add_argument("--host", default="0.0.0.0")
    actions.add_argument("--port", type=int, default=DEFAULT_PORT)
    actions.set_defaults(handler=_actions)


def _actions(args: argparse.Namespace) -> int:
    from actions.server import run

    run(port=args.port, host=args.host)
    return 0
