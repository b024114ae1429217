"""One conversation's state, per (channel, sender), stored as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field


def session_key(channel: str, sender_id: str) -> str:
    return f"{channel}:{sender_id}"


class Turn(BaseModel):
    user: str
    bot: list[str] = Field(default_factory=list)
    intent: str | None = None
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Session(BaseModel):
    channel: str
    sender_id: str
    # Facts that outlive one flow: the program last talked about, household facts
    # from screening (reused when applying), whether the account is a bound staff member…
    slots: dict[str, Any] = Field(default_factory=dict)
    flow: str | None = None  # the active flow's name
    step: str | None = None  # the active step, named by a string (a slot name, "confirm"…)
    form: dict[str, Any] = Field(default_factory=dict)  # the active flow's own state
    paused: bool = False  # the menu was shown in the middle of a flow
    history: list[Turn] = Field(default_factory=list)
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def key(self) -> str:
        return session_key(self.channel, self.sender_id)

    def start_flow(self, name: str, step: str | None = None) -> None:
        self.flow, self.step, self.form, self.paused = name, step, {}, False

    def end_flow(self) -> None:
        self.flow, self.step, self.form, self.paused = None, None, {}, False

    def remember(self, turn: Turn, keep: int) -> None:
        self.history.append(turn)
        if len(self.history) > keep:
            del self.history[: len(self.history) - keep]
