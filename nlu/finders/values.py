"""The small value types a fact may hold: ``UNKNOWN``, a ``Range``, and the ``Choice``
a question offers. They sit under the finders, so the finders, the extractor and the
readers all name them the same way."""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN = "unknown"  # the resident said they do not know: never 0, never "no"


@dataclass(frozen=True)
class Range:
    """An amount given only as a range ("几千" → 1000–9000); shown as such, never averaged."""

    low: int
    high: int

    def to_json(self) -> dict[str, int]:
        return {"min": self.low, "max": self.high}

    def scaled(self, factor: float) -> Range:
        return Range(round(self.low * factor), round(self.high * factor))

    def __add__(self, other: object) -> Range:
        if isinstance(other, Range):
            return Range(self.low + other.low, self.high + other.high)
        if isinstance(other, int | float):
            return Range(round(self.low + other), round(self.high + other))
        return NotImplemented

    __radd__ = __add__


@dataclass(frozen=True)
class Choice:
    """One answer a question offers: its value, the title on its button, and the words
    that name it in a sentence."""

    value: str
    title: str
    words: tuple[str, ...] = ()
