"""Hand-off to a person (转人工): a ``handoff`` case with the recent conversation.

Staff see what was said (masked: no whole 身份证号 or phone) and answer through the
backend (``message_resident``), which reaches this chat. One open hand-off per chat
account is enough: asking again points to the one already waiting.
"""

from __future__ import annotations

from pathlib import Path

from base.datafiles import load_yaml
from base.messages import BotReply, Button
from base.privacy import mask_text
from flows.base import Flow, TurnContext, call
from services.chat import ChatCase

RECENT_TURNS = 6
LINE_LIMIT = 120
SUMMARY_LIMIT = 1500
# The bare command ("转人工") says nothing staff need; a sentence ("想问问低保的事") does.
_COMMANDS = load_yaml(Path(__file__).parents[1] / "bot" / "global_commands.yml")
HANDOFF_WORDS: frozenset[str] = frozenset(_COMMANDS.get("handoff", []))


def recent_conversation(ctx: TurnContext) -> str:
    """The last turns as staff read them, each line masked and cut short."""
    lines: list[str] = []
    for turn in ctx.session.history[-RECENT_TURNS:]:
        lines.append(ctx.texts("handoff.user_line", text=mask_text(turn.user)[:LINE_LIMIT]))
        for said in turn.bot[:1]:  # the first reply is enough to see where the user was
            lines.append(ctx.texts("handoff.bot_line", text=mask_text(said)[:LINE_LIMIT]))
    return "\n".join(lines)


class HandoffFlow(Flow):
    name = "handoff"
    urgent_interrupt = False  # answers here describe hardship; they are not new emergencies
    intents = ("human_handoff",)

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        was_doing = ctx.session.flow
        ctx.session.end_flow()  # a person takes over; the menu stays usable meanwhile
        opened = await call(
            ctx,
            ctx.services.chat_cases.handoff,
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=handoff_summary(ctx, was_doing),
        )
        return handoff_replies(ctx, opened)


def handoff_replies(ctx: TurnContext, opened: ChatCase) -> list[BotReply]:
    """A person will answer here — or is already about to, for the hand-off waiting."""
    buttons = (Button(ctx.texts("handoff.button_menu"), "/menu"),)
    key = "handoff.already_waiting" if opened.already_waiting else "handoff.done"
    return [ctx.say(key, buttons=buttons, case=opened.case)]


def handoff_summary(ctx: TurnContext, was_doing: str | None) -> str:
    """What staff read: what was asked, where the resident was, the recent turns (masked)."""
    history = recent_conversation(ctx)
    said = ctx.text.strip().strip("。.!！?？ ")
    opener = "" if ctx.payload or said in HANDOFF_WORDS else mask_text(said)
    head = ctx.texts("handoff.summary_head", opener=opener, flow=was_doing or "")
    tail = (
        [ctx.texts("handoff.history_title"), history]
        if history
        else [ctx.texts("handoff.no_history")]
    )
    return "\n".join([head, *tail])[:SUMMARY_LIMIT]
