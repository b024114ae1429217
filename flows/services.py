"""What flows (and the Rasa actions, and the staff console) call to reach the backend.

Kept here so a rule is written once: which 办理渠道 a chat channel counts as, how a
case is shown to a resident, and how a flow calls the synchronous backend from async code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from flows.texts import texts

if TYPE_CHECKING:
    from backend.service import Backend
    from flows.base import TurnContext

T = TypeVar("T")


def application_channel(chat_channel: str) -> str:
    """网上办 / 掌上办 / 电话办 / 口述办 for a chat channel (flows/texts/channels.yml)."""
    table: dict[str, str] = texts().raw("channels.application_channel")
    return table.get(chat_channel, table["default"])


def backend_of(ctx: TurnContext) -> Backend:
    return ctx.runtime.backend


async def call(ctx: TurnContext, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a synchronous backend method in a worker thread."""
    return await ctx.runtime.backend.run(func, *args, **kwargs)
