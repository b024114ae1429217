"""Dictionary look-up of phrases in text: exact (longest first), then pinyin-fuzzy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nlu.pinyin import char_key, text_keys, word_key

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
    ``confusable`` maps a character typed by mistake to the one meant when it is no
    homophone (求 for 救): in a window it counts with the pinyin of the one meant. A
    fuzzy hit may swallow shorter exact hits of another value ("低保边原" is 低保边缘,
    not 低保).
    """

    def __init__(
        self,
        phrases: Iterable[tuple[str, str]],
        fuzzy_min: int = 2,
        also_fuzzy: Iterable[str] = (),
        confusable: Mapping[str, str] | None = None,
        numeral_followers: str = "",
    ) -> None:
        """``also_fuzzy``: shorter phrases than ``fuzzy_min`` that may match by pinyin;
        ``numeral_followers``: what may follow a numeral + measure word read as a name
        ("五包户"); without it a numeral + measure word is never a fuzzy name."""
        extra = set(also_fuzzy)
        self._confusable = dict(confusable or {})
        # one character for another: the keys of a text are those of the translated
        # text, whose keys are cached (several matchers look at one text)
        self._translation = (
            str.maketrans(self._confusable)
            if all(len(k) == 1 and len(v) == 1 for k, v in self._confusable.items())
            else None
        )
        self._followers = set(numeral_followers)
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
        position = 0
        while position < len(text):
            for length in self._lengths.get(text[position], ()):
                if position + length > len(text):
                    continue
                value = self._exact.get(text[position : position + length])
                if value is not None:
                    hits.append(Hit(value, position, position + length, False))
                    position += length
                    break
            else:
                position += 1
        if fuzzy and self._fuzzy:
            found = self._find_fuzzy(text, hits)
            if found:
                hits = [
                    hit
                    for hit in hits
                    if not any(f.start <= hit.start and hit.end <= f.end for f in found)
                ]
                hits.extend(found)
        hits.sort(key=lambda hit: hit.start)
        return hits

    def _key(self, char: str) -> str:
        return char_key(self._confusable.get(char, char))

    def _window_free(self, start: int, end: int, exact: list[Hit]) -> tuple[bool, set[int]]:
        """Whether a window may be a fuzzy hit (no exact hit crosses its edges, and
        those inside are shorter), and the positions those inside cover."""
        inside: set[int] = set()
        for hit in exact:
            if hit.end <= start or hit.start >= end:
                continue
            if hit.start < start or hit.end > end or hit.end - hit.start >= end - start:
                return False, inside
            inside.update(range(hit.start, hit.end))
        return True, inside

    def _keys(self, text: str) -> tuple[str, ...]:
        if not self._confusable:
            return text_keys(text)
        if self._translation is not None:
            return text_keys(text.translate(self._translation))
        return tuple(self._key(char) for char in text)

    def _find_fuzzy(self, text: str, exact: list[Hit]) -> list[Hit]:
        hits: list[Hit] = []
        keys = self._keys(text)
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
                if end > size:
                    continue
                window = keys[position:end]
                if "" in window:
                    continue
                phrases = self._fuzzy.get(window)
                if not phrases:
                    continue
                free, inside = self._window_free(position, end, exact)
                if not free:
                    continue
                typed = text[position:end]
                if length == 2 and typed[0] in _NUMERALS and typed[1] in _CLASSIFIERS:
                    after = text[end : end + 1]
                    if after and _is_han(after) and after not in self._followers:
                        continue  # "五包烟" is five packs, not 五保
                for phrase, value in phrases:
                    # a character in common, outside the exact hits inside ("低保今" is
                    # no 低保金: only 低保 is shared)
                    if any(
                        a == b and position + i not in inside
                        for i, (a, b) in enumerate(zip(typed, phrase, strict=True))
                    ):
                        hits.append(Hit(value, position, end, True))
                        matched = length
                        break
                if matched:
                    break
            position += matched or 1
        return hits


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"
