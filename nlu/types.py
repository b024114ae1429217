"""The NLU result shared by the engine, the flows and ``POST /model/parse`` (Rasa format)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Entity:
    entity: str
    value: Any
    start: int  # offsets into the text exactly as the user typed it
    end: int
    extractor: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ParseResult:
    text: str
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()
    ranking: tuple[tuple[str, float], ...] = ()
    normalized: str = ""  # the normalised text (简体, half-width, digits)
    hardship: bool = False  # the message names a hardship (nlu/hardship.py)

    def first(self, entity: str) -> Any | None:
        """The value of the first entity of that kind, or None."""
        for found in self.entities:
            if found.entity == entity:
                return found.value
        return None

    def all(self, entity: str) -> list[Any]:
        return [found.value for found in self.entities if found.entity == entity]

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": {"name": self.intent, "confidence": round(self.confidence, 4)},
            "entities": [found.to_json() for found in self.entities],
            "intent_ranking": [
                {"name": name, "confidence": round(score, 4)} for name, score in self.ranking
            ],
        }


class Interpreter(Protocol):
    def parse(self, text: str) -> ParseResult: ...


INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "help",
    "ask_policy",
    "ask_eligibility",
    "ask_materials",
    "ask_process",
    "ask_amount",
    "self_screening",
    "apply",
    "application_status",
    "checkin",
    "report_change",
    "urgent_help",
    "report_other",
    "feedback",
    "human_handoff",
    "inform",
    "out_of_scope",
)
