"""The ``jiuzhu`` command. Each package adds its own sub-commands through ``register``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that add sub-commands; each has ``register(subparsers)``.
COMMAND_MODULES: tuple[str, ...] = (
    "bot.commands",
    "backend.commands",
    "nlu.commands",
    "flows.followup",
    "bot.telegram_commands",
    "bot.wechat_commands",
    "actions.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiuzhu", description="救助小助手 — 社会救助对话助手")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result = args.handler(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
