"""``jiuzhu chat``: talk to the assistant in a terminal. Buttons show as numbered choices."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from base.messages import Assistant, BotReply, UserMessage
from channels.texts import channel_text

CHANNEL = "cli"
_QUIT = {"exit", "quit", ":q"}


def render(reply: BotReply) -> str:
    lines = [reply.text]
    lines += [f"  {number}. {button.title}" for number, button in enumerate(reply.buttons, 1)]
    return "\n".join(lines)


async def chat_loop(
    assistant: Assistant,
    sender_id: str,
    read: Callable[[], str],
    write: Callable[[str], None],
    say: list[str] | None = None,
) -> None:
    if say is not None:  # one-shot turns (scripts, probes): no banner, no opening
        for line in say:
            write(f"{channel_text('terminal.prompt')} {line}")
            for reply in await assistant.handle(UserMessage(CHANNEL, sender_id, line)):
                write(render(reply))
        return
    write(channel_text("terminal.banner"))
    for reply in await assistant.handle(
        UserMessage(CHANNEL, sender_id, channel_text("terminal.opening"))
    ):
        write(render(reply))
    while True:
        try:
            line = await asyncio.to_thread(read)
        except (EOFError, KeyboardInterrupt):
            break
        if line.strip().lower() in _QUIT:
            break
        for reply in await assistant.handle(UserMessage(CHANNEL, sender_id, line)):
            write(render(reply))
    write(channel_text("terminal.goodbye"))
