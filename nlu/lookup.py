"""Dictionary look-up of phrases in text: exact (longest first), then pinyin-fuzzy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nlu.pinyin import text_keys, word_key

_NUMERALS = set("一二两三四五六七八九十几0123456789")
_CLASSIFIERS = set("包个块只条张本瓶袋斤件箱盒桶碗杯次回趟")


@dataclass(frozen=True)
class Hit:
    value: str
    start: int
    end: int
    fuzzy: bool


class PhraseMatcher:
    """Finds known phrases; each phrase maps to a value (e.g. "五保户" → "tekun").

    A fuzzy hit is a window whose fuzzy pinyin equals a phrase's and that shares at
    least one character with it, for phrases of ``fuzzy_min`` characters or more.
    """

    def __init__(
        self,
        phrases: Iterable[tuple[str, str]],
        fuzzy_min: int = 2,
        also_fuzzy: Iterable[str] = (),
    ) -> None:
        """``also_fuzzy``: shorter phrases than ``fuzzy_min`` that may match by pinyin."""
        extra = set(also_fuzzy)
        self._exact: dict[str, str] = {}
        self._fuzzy: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for phrase, value in phrases:
            if not phrase:
                continue
            self._exact.setdefault(phrase, value)
            key = word_key(phrase)
            if key is not None and (len(phrase) >= fuzzy_min or phrase in extra):
                self._fuzzy.setdefault(key, []).append((phrase, value))
        # first character → the lengths of the phrases starting with it, longest first
        self._lengths: dict[str, list[int]] = {}
        for phrase in self._exact:
            self._lengths.setdefault(phrase[0], []).append(len(phrase))
        for lengths in self._lengths.values():
            lengths.sort(reverse=True)
        # first fuzzy key → the lengths of the fuzzy phrases starting with it, longest
        # first: a window can only meet a phrase whose first key is its own.
        by_first: dict[str, set[int]] = {}
        for key in self._fuzzy:
            by_first.setdefault(key[0], set()).add(len(key))
        self._fuzzy_first = {
            first: tuple(sorted(lengths, reverse=True)) for first, lengths in by_first.items()
        }

    def find(self, text: str, fuzzy: bool = True) -> list[Hit]:
        hits: list[Hit] = []
        covered = [False] * len(text)
        position = 0
        while position < len(text):
            for length in self._lengths.get(text[position], ()):
                if position + length > len(text):
                    continue
                value = self._exact.get(text[position : position + length])
                if value is not None:
                    hits.append(Hit(value, position, position + length, False))
                    for index in range(position, position + length):
                        covered[index] = True
                    position += length
                    break
            else:
                position += 1
        if fuzzy and self._fuzzy:
            hits.extend(self._find_fuzzy(text, covered))
        hits.sort(key=lambda hit: hit.start)
        return hits

    def _find_fuzzy(self, text: str, covered: list[bool]) -> list[Hit]:
        hits: list[Hit] = []
        keys = text_keys(text)
        first_lengths = self._fuzzy_first
        size = len(text)
        position = 0
        while position < size:
            lengths = first_lengths.get(keys[position])
            if lengths is None:  # no fuzzy phrase starts with this syllable ('' included)
                position += 1
                continue
            matched = 0
            for length in lengths:
                end = position + length
                if end > size or any(covered[position:end]):
                    continue
                window = keys[position:end]
                if "" in window:
                    continue
                typed = text[position:end]
                if length == 2 and typed[0] in _NUMERALS and typed[1] in _CLASSIFIERS:
                    continue  # "五包烟" is five packs, not 五保
                for phrase, value in self._fuzzy.get(window, ()):
                    if any(a == b for a, b in zip(typed, phrase, strict=True)):
                        hits.append(Hit(value, position, end, True))
                        matched = length
                        break
                if matched:
                    break
            position += matched or 1
        return hits
