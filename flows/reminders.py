"""「关闭提醒」/「开启提醒」: a chat account turns the quarterly check-in reminders off or on.

The words live in ``flows/texts/reminders.yml``; they work at any step, like ``/bind``.
"""

from __future__ import annotations

from base.messages import BotReply, Button
from flows.base import Flow, TurnContext, call
from flows.texts import texts


class ReminderSwitchFlow(Flow):
    name = "reminder_switch"
    intents = ("reminders_off", "reminders_on")

    def __init__(self) -> None:
        words = texts()
        self.off_words: tuple[str, ...] = tuple(words.raw("reminders.off_words"))
        self.on_words: tuple[str, ...] = tuple(words.raw("reminders.on_words"))
        self.prefixes = self.off_words + self.on_words  # type: ignore[misc]

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        ctx.session.end_flow()
        text = (ctx.payload or ctx.text).strip()
        enabled = any(text.startswith(word) for word in self.on_words)
        await call(
            ctx,
            ctx.services.reminders.set_enabled,
            ctx.message.channel,
            ctx.message.sender_id,
            enabled,
        )
        if enabled:
            return [ctx.say("reminders.turned_on")]
        again = Button(ctx.texts("reminders.button_on"), "/reminders_on")
        return [ctx.say("reminders.turned_off", (again,))]
