"""What flows (and the Rasa actions, and the staff console) call to reach the backend.

Kept here so a rule is written once: which 办理渠道 a chat channel counts as, how a
case is shown to a resident, and how a flow calls the synchronous backend from async code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from flows.texts import texts

if TYPE_CHECKING:
    from backend.schemas import CaseOutcome
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


async def open_chat_case(
    ctx: TurnContext, kind: str, *, summary: str, place_text: str, contact: str | None
) -> CaseOutcome:
    """Open a case from this chat (report, feedback …): its channel and chat account,
    the township named in ``place_text`` (so it reaches that township's staff), and the
    contact phone staff call back, if one was left."""
    from nlu.places import match_place

    place = match_place(place_text, ctx.runtime.settings.region) if place_text else None
    return await call(
        ctx,
        ctx.runtime.backend.create_case,
        kind,
        channel=application_channel(ctx.message.channel),
        chat_channel=ctx.message.channel,
        chat_sender=ctx.message.sender_id,
        township=place.township if place else "",
        village=(place.village or "") if place else "",
        applicant={"phone": contact} if contact else None,
        summary=summary,
    )
