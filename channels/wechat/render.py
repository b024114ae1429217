"""The assistant's replies as WeChat text: choices become a numbered list to answer
with a digit (a 公众号 has no inline buttons), long text is cut into messages WeChat
accepts (2048 bytes of UTF-8 per text)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from base.datafiles import load_yaml
from base.messages import BotReply
from channels.texts import channel_text

TEXT_BYTES = 2000  # WeChat takes 2048 bytes of text per message; keep a margin


def reply_text(reply: BotReply) -> str:
    if not reply.buttons:
        return reply.text
    lines = [reply.text, "", channel_text("wechat.choices")]
    lines += [f"{number}. {button.title}" for number, button in enumerate(reply.buttons, 1)]
    return "\n".join(lines)


def split_bytes(text: str, limit: int = TEXT_BYTES) -> list[str]:
    """Parts of at most ``limit`` UTF-8 bytes, cut at line ends where possible."""
    parts: list[str] = []
    rest = text or " "
    while len(rest.encode()) > limit:
        cut, size = 0, 0
        for index, char in enumerate(rest):
            size += len(char.encode())
            if size > limit:
                break
            cut = index + 1
        newline = rest.rfind("\n", 0, cut)
        if newline > cut // 2:
            cut = newline
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    parts.append(rest)
    return parts


def messages(replies: Sequence[BotReply]) -> list[str]:
    """The replies of one turn as WeChat messages: joined into as few as fit."""
    joined = "\n\n".join(reply_text(reply) for reply in replies if reply.text or reply.buttons)
    return split_bytes(joined) if joined else []


def load_menu() -> dict[str, Any]:
    menu = load_yaml(Path(__file__).with_name("menu.yml"))
    if not isinstance(menu, dict) or not menu.get("button"):
        raise ValueError("channels/wechat/menu.yml has no buttons")
    return menu
