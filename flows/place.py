"""The township and village a conversation already knows — the place answered in the
form being filled in (or kept paused) — so a case opened from the chat (转人工, a change
report, a complaint) reaches that township's staff. The account's roster entry and open
application are looked at by the service (``services.chat``) when the chat knows none.
"""

from __future__ import annotations

from typing import Any

from flows.base import TurnContext


def known_place(ctx: TurnContext) -> dict[str, str]:
    """``{"township": …, "village": …}`` from the form's place answer; empty strings
    when the conversation has not said one."""
    values: dict[str, Any] = ctx.session.form.get("values") or {}
    place = values.get("place")
    if isinstance(place, dict) and place.get("township"):
        return {"township": str(place["township"]), "village": str(place.get("village") or "")}
    return {"township": "", "village": ""}
