"""Fuzzy pinyin keys, so homophone typos meet the word meant ("底保"/"低包" → "低保")."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import lazy_pinyin

# Confusions common in typing and in southern speech: zh/z, ch/c, sh/s, n/l, h/f, r/l,
# and front/back nasals.
_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("h", "f"), ("r", "l"))
_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


@lru_cache(maxsize=20000)
def char_key(char: str) -> str:
    """The fuzzy pinyin key of one character ('' for characters without pinyin)."""
    if not ("\u4e00" <= char <= "\u9fff"):
        return ""
    syllable = lazy_pinyin(char)[0]
    for long, short in _INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FINALS:
        if syllable.endswith(long):
            syllable = syllable[: -len(long)] + short
            break
    return syllable


def word_key(word: str) -> tuple[str, ...] | None:
    keys = tuple(char_key(char) for char in word)
    return None if "" in keys else keys
