"""What every answer reader returns: a ``Reading`` (the value, how sure, the other facts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nlu.facts import extract_facts
from nlu.finders.values import Range


@dataclass(frozen=True)
class Reading:
    """One answer as read.

    ``value`` is None when the answer does not give it. ``sure`` is False when the
    value rests on a guess a person should confirm (a choice inferred from a negated
    other one, an approximation, a size that does not match). ``facts`` holds every
    other fact the message gave, keyed as ``nlu.facts.extract_facts`` keys them.
    For money, ``period`` is how the amount was stated (month, year, once, …) and
    ``approx`` names the approximation rule applied ("多", "range", …), if any.
    """

    value: Any
    sure: bool = True
    facts: dict[str, Any] = field(default_factory=dict)
    period: str | None = None
    approx: str | None = None
    problem: str | None = None  # why a value was refused (a bad ID checksum), in Chinese


def fact_json(value: Any) -> Any:
    """A fact value as plain data (ranges become ``{min, max}``)."""
    if isinstance(value, Range):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [fact_json(item) for item in value]
    if isinstance(value, dict):
        return {key: fact_json(item) for key, item in value.items()}
    return value


def other_facts(
    text: str,
    slot: str | None,
    own: tuple[str, ...] = (),
    *,
    region: str | None = None,
    applicant: str = "self",
) -> dict[str, Any]:
    """Every fact of ``text`` except the reader's own keys, as ``extract_facts`` reads it
    when the question ``slot`` was asked."""
    facts = extract_facts(text, region, applicant=applicant, slot=slot)
    return {key: value for key, value in facts.items() if key not in own}
