"""Runs every YAML conversation under ``tests/conversations/`` against the real assistant.

A file holds a list of conversations; each turn is a user line and what the replies
must show:

    - name: greeting offers the menu
      turns:
        - user: 你好
          bot: [救助小助手]          # substrings that must appear in the replies
          bot_re: ["政策|申请"]       # regular expressions that must match
          not: [抱歉]                # substrings that must not appear
          buttons: [申请救助]         # button titles that must be offered
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from bot.datafiles import load_yaml
from bot.messages import UserMessage
from bot.runtime import Runtime
from bot.settings import Settings

CONVERSATIONS = Path(__file__).parent / "conversations"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(CONVERSATIONS.glob("*.yml")):
        for conversation in load_yaml(path) or []:
            cases.append(pytest.param(conversation, id=f"{path.stem}: {conversation['name']}"))
    return cases


@pytest.mark.parametrize("conversation", _cases())
async def test_conversation(conversation: dict[str, Any], settings: Settings) -> None:
    runtime = Runtime(settings)
    channel = conversation.get("channel", "rest")
    sender = f"conv-{uuid.uuid4().hex[:10]}"
    try:
        for number, turn in enumerate(conversation["turns"], 1):
            replies = await runtime.engine.handle(UserMessage(channel, sender, turn["user"]))
            said = "\n".join(reply.text for reply in replies)
            buttons = [button.title for reply in replies for button in reply.buttons]
            where = f"turn {number} ({turn['user']!r}) got:\n{said}\nbuttons: {buttons}"
            for expected in turn.get("bot", []):
                assert expected in said, f"missing {expected!r} — {where}"
            for pattern in turn.get("bot_re", []):
                assert re.search(pattern, said), f"no match for {pattern!r} — {where}"
            for unwanted in turn.get("not", []):
                assert unwanted not in said, f"unexpected {unwanted!r} — {where}"
            for title in turn.get("buttons", []):
                assert title in buttons, f"no button {title!r} — {where}"
    finally:
        await runtime.aclose()
