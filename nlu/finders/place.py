"""The township and village of the household register, from ``nlu.places``.

A place the answer negates ("是紫薇村的，不是新桥河村") is not the answer: the
negated clause is blanked before the places are looked up.
"""

from __future__ import annotations

from dataclasses import dataclass

from nlu.finders.negation import negator_spans
from nlu.finders.text import clause_end
from nlu.normalize import simplify
from nlu.places import match_place


@dataclass(frozen=True)
class Place:
    township: str
    village: str | None

    def to_facts(self) -> dict[str, str]:
        facts = {"township": self.township}
        if self.village:
            facts["village"] = self.village
        return facts


def _without_negated(text: str) -> str:
    """``text`` with each clause that starts with 不是/没有/不在 blanked from the negator on."""
    chars = list(text)
    for start, end in negator_spans(text):
        if text[start:end] in ("不是", "不在", "并非", "非"):
            stop = clause_end(text, end)
            for index in range(start, stop):
                chars[index] = " "
    return "".join(chars)


def place_of(text: str, region: str | None) -> Place | None:
    """The place named in ``text`` (a village wins over its township), or None."""
    if not region:
        return None
    plain = simplify(text).replace(" ", ",")
    match = match_place(_without_negated(plain), region)
    if match is None:
        return None
    return Place(match.township, match.village)
