"""The township and village of the household register, from ``nlu.places``.

A place the answer negates ("是紫薇村的，不是新桥河村") is not the answer: the
negated clause is blanked before the places are looked up.
"""

from __future__ import annotations

import re
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
    plain = _without_negated(simplify(text).replace(" ", ","))
    match = match_place(plain, region)
    if match is None:
        return None
    if match.village is None:
        return Place(match.township, _unlisted_village(plain, match.end))
    return Place(match.township, match.village)


# A village's name right after its township: the region's list of villages may be short
# ("长春镇马家坪村六组", "沙头正 长青村"), so a name ending in 村/社区 there is read as said.
_VILLAGE_AFTER = re.compile(
    r"(?:[镇正震乡]|街道)?[,\s]*([\u4e00-\u9fff]{2,4}?(?:村|社区))(?![\u4e00-\u9fff]{0,1}(?:村|社区))"
)
_NOT_A_NAME = ("农村", "城里", "一个", *"我你他她这那本同每哪")  # "我们村", "那个村"


def _unlisted_village(text: str, end: int) -> str | None:
    match = _VILLAGE_AFTER.match(text, end)
    if match is None or match.group(1).startswith(_NOT_A_NAME):
        return None
    return match.group(1)
