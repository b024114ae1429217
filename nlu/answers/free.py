"""Free text (a remark, a description): kept as typed, with the facts it holds."""

from __future__ import annotations

from nlu.answers.reading import Reading, other_facts
from nlu.normalize import simplify


def read_free_text(
    text: str, *, slot: str | None = None, region: str | None = None, applicant: str = "self"
) -> Reading:
    """The text as typed (trimmed, full-width and 繁体 made plain), None when empty."""
    value = " ".join(simplify(text).split()) or None
    facts = other_facts(text, slot, (), region=region, applicant=applicant)
    return Reading(value, sure=value is not None, facts=facts)
