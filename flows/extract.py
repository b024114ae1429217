"""Slot extractors: read one value out of a turn, from the NLU's entities or the text.

Each returns the value, or None when the answer does not contain it. The NLU has
already normalised the text (简体, half-width, Chinese numerals as digits), so the
patterns here look only at ``ctx.parse.normalized``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flows.base import TurnContext
from flows.texts import texts

Extractor = Callable[[TurnContext], Any]

_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|千|百)?")
_SCALE = {"万": 10000, "千": 1000, "百": 100, None: 1}
_NONE_WORDS: tuple[str, ...] = tuple(texts().raw("words.none"))  # flows/texts/words.yml
_UNKNOWN_WORDS: tuple[str, ...] = tuple(texts().raw("words.unknown"))


def text_of(ctx: TurnContext) -> str:
    return ctx.parse.normalized or ctx.text


def entity(name: str) -> Extractor:
    """The first entity of that kind the NLU found in the turn."""

    def extract(ctx: TurnContext) -> Any:
        return ctx.parse.first(name)

    return extract


def says_unknown(ctx: TurnContext) -> bool:
    text = text_of(ctx)
    return any(word in text for word in _UNKNOWN_WORDS)


def amount(ctx: TurnContext) -> float | None:
    """A sum of money in yuan: "2万" → 20000, "一千五" → 1500."""
    match = _NUMBER.search(text_of(ctx).replace(",", ""))
    if match is None:
        return None
    return float(match.group(1)) * _SCALE[match.group(2)]


def count(ctx: TurnContext) -> int | None:
    """A small whole number: "3", "三套" → 3; "没有" → 0."""
    text = text_of(ctx)
    match = re.search(r"\d+", text)
    if match:
        return int(match.group())
    if any(word in text for word in _NONE_WORDS):
        return 0
    return None


def numbers(ctx: TurnContext, low: int = 0, high: int = 120) -> list[int]:
    """Every whole number in the text within [low, high], in order."""
    found = (int(m) for m in re.findall(r"\d+", text_of(ctx)))
    return [n for n in found if low <= n <= high]


def keywords(table: dict[str, Iterable[str]]) -> Extractor:
    """The value whose words appear in the text; None when none or several do."""

    def extract(ctx: TurnContext) -> Any:
        text = text_of(ctx)
        hits = {value for value, words in table.items() if any(w in text for w in words)}
        return hits.pop() if len(hits) == 1 else None

    return extract


def first_of(*extractors: Extractor) -> Extractor:
    def extract(ctx: TurnContext) -> Any:
        for extractor in extractors:
            value = extractor(ctx)
            if value is not None:
                return value
        return None

    return extract
