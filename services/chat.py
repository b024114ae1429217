"""Cases opened from a chat: which 办理渠道 a chat channel counts as, and the
use-case that opens a report, feedback, urgent or hand-off case for a chat account.

The channel table is configuration (``services/channels.yml``), not reply text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from base.datafiles import load_yaml

if TYPE_CHECKING:
    from backend.schemas import CaseOutcome
    from services.container import Services

CHANNELS_FILE = Path(__file__).with_name("channels.yml")


@lru_cache(maxsize=1)
def _channels() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(CHANNELS_FILE)
    return data


def application_channel(chat_channel: str) -> str:
    """网上办 / 掌上办 / 电话办 for a chat channel."""
    table: dict[str, str] = _channels()["application_channel"]
    return table.get(chat_channel, table["default"])


def intake_channel() -> str:
    """The 办理渠道 of an application staff recorded from a resident's account (口述办)."""
    return str(_channels()["intake_channel"])


async def open_chat_case(
    services: Services,
    kind: str,
    *,
    chat_channel: str,
    sender: str,
    summary: str,
    place_text: str = "",
    contact: str | None = None,
) -> CaseOutcome:
    """Open a case from this chat (report, feedback …): its channel and chat account,
    the township named in ``place_text`` (so it reaches that township's staff), and the
    contact phone staff call back, if one was left."""
    from nlu.places import match_place

    place = match_place(place_text, services.region) if place_text else None
    return await services.run(
        services.backend.create_case,
        kind,
        channel=application_channel(chat_channel),
        chat_channel=chat_channel,
        chat_sender=sender,
        township=place.township if place else "",
        village=(place.village or "") if place else "",
        applicant={"phone": contact} if contact else None,
        summary=summary,
    )
