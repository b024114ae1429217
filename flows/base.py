"""What every flow sees (``TurnContext``) and what every flow is (``Flow``).

Like a rasa-sdk action: a flow has a ``name`` and is run with the turn's context;
it returns the replies. Flows never see channels; channels never see flows.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from base.messages import BotReply, Button, UserMessage
from base.session import Session
from flows.texts import Texts, texts
from nlu.types import ParseResult

T = TypeVar("T")

if TYPE_CHECKING:
    from services.container import Services


@dataclass
class TurnContext:
    session: Session
    message: UserMessage
    text: str  # the cleaned text of this turn
    parse: ParseResult
    services: Services
    payload: str | None = None  # set when the user sent a button payload ("/…")
    sensitive: bool = False  # a flow sets it when the message held a secret (a token)
    texts: Texts = field(default_factory=texts)

    def say(self, key: str, buttons: tuple[Button, ...] = (), **values: Any) -> BotReply:
        return BotReply(self.texts(key, **values), buttons)


class Flow(ABC):
    """A dialogue. ``start`` runs when its intent arrives; ``handle`` gets the next turns."""

    name: ClassVar[str]
    intents: ClassVar[tuple[str, ...]] = ()
    # Messages starting with one of these start the flow at any step ("/bind <token>").
    prefixes: ClassVar[tuple[str, ...]] = ()
    # A one-turn answer that may interrupt a form ("要带什么材料？" while applying);
    # the form then asks its current question again.
    digression: ClassVar[bool] = False
    # Whether a message recognised as an emergency leaves this flow for the urgent one.
    # Off where free-text answers describe hardship ("他家房子漏雨，没钱修").
    urgent_interrupt: ClassVar[bool] = True
    # Messages here are staff's accounts of someone else's situation, often of a past
    # event ("前天家里失火 人没事"): danger words are told as a reminder, the flow goes on.
    danger_aside: ClassVar[bool] = False
    cancelled_text: ClassVar[str] = "core.cancelled"  # said when 取消 leaves this flow

    def claims(self, ctx: TurnContext) -> bool:
        """Whether an idle message the intents did not place is this flow's to answer
        (a follow-up of its last answer); the engine then starts it."""
        return False

    @abstractmethod
    async def start(self, ctx: TurnContext) -> list[BotReply]: ...

    def answers_itself(self, ctx: TurnContext) -> bool:
        """Whether the active flow answers this turn itself, though it reads as a question
        for another flow (a question about the form's own question)."""
        return False

    def answered_here(self, ctx: TurnContext) -> bool:
        """Whether this turn is plainly the answer to the flow's own question, so a
        classifier sure of another intent (urgent_help) does not take it away."""
        return False

    def cancel(self, ctx: TurnContext) -> str:
        """取消: leave the flow; what is said (a form may keep its answers to undo it)."""
        ctx.session.end_flow()
        return ctx.texts(self.cancelled_text)

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        """Answer a turn while this flow is active; one-shot flows never get one."""
        ctx.session.end_flow()
        return await self.start(ctx)

    async def back(self, ctx: TurnContext) -> list[BotReply]:
        """``返回``: the previous question. One-shot flows have none."""
        ctx.session.end_flow()
        return [ctx.say("core.nothing_to_go_back")]

    async def resume(self, ctx: TurnContext) -> list[BotReply]:
        """Continue after the menu was shown mid-flow: ask the current question again."""
        return await self.start(ctx)


async def call(ctx: TurnContext, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a synchronous service call in a worker thread."""
    return await ctx.services.run(func, *args, **kwargs)
