"""``jiuzhu chat``: talk to the assistant in a terminal. Buttons show as numbered choices."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import anyio

from base.messages import BotReply, UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from channels.texts import channel_text

CHANNEL = "cli"
_QUIT = {"exit", "quit", ":q"}


def render(reply: BotReply) -> str:
    lines = [reply.text]
    lines += [f"  {number}. {button.title}" for number, button in enumerate(reply.buttons, 1)]
    return "\n".join(lines)


async def chat_loop(
    runtime: Runtime,
    sender_id: str,
    read: Callable[[], str],
    write: Callable[[str], None],
) -> None:
    write(channel_text("terminal.banner"))
    for reply in await runtime.engine.handle(
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
        for reply in await runtime.engine.handle(UserMessage(CHANNEL, sender_id, line)):
            write(render(reply))
    write(channel_text("terminal.goodbye"))


def run_terminal_chat(settings: Settings, sender_id: str) -> int:
    runtime = Runtime(settings)

    def read() -> str:
        return input(channel_text("terminal.prompt") + " ")

    def write(text: str) -> None:
        print(text, flush=True)

    async def main() -> None:
        stop = anyio.Event()
        try:
            async with anyio.create_task_group() as tasks:
                # Replies and status changes from staff show up in this chat too.
                tasks.start_soon(runtime.run_dispatcher, stop)
                await chat_loop(runtime, sender_id, read, write)
                stop.set()
        finally:
            await runtime.aclose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return 0
