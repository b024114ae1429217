"""Fuzzy pinyin keys, so homophone typos meet the word meant ("底保"/"低包" → "低保").

Readings come from pypinyin's character table (``pinyin_dict.json``), read directly:
importing ``pypinyin`` itself also loads its phrase dictionary (≈55 MB resident),
which single characters do not need. The first (most common) reading is used.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

# Confusions common in typing and in southern speech: zh/z, ch/c, sh/s, n/l, h/f, r/l,
# and front/back nasals.
_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("h", "f"), ("r", "l"))
_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))

_table: dict[int, str] | None = None
_lock = threading.Lock()


def _readings() -> dict[int, str]:
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                spec = importlib.util.find_spec("pypinyin")
                locations = spec.submodule_search_locations if spec else None
                if not locations:
                    raise RuntimeError("pypinyin is not installed")
                path = Path(next(iter(locations))) / "pinyin_dict.json"
                raw = json.loads(path.read_text(encoding="utf-8"))
                _table = {int(code): value for code, value in raw.items()}
    return _table


def _plain(reading: str) -> str:
    """'lǘ' → 'lv', 'zhōng' → 'zhong' (pypinyin's NORMAL style)."""
    reading = reading.replace("ü", "v").replace("ǖ", "v").replace("ǘ", "v")
    reading = reading.replace("ǚ", "v").replace("ǜ", "v")
    decomposed = unicodedata.normalize("NFD", reading)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=30000)
def char_key(char: str) -> str:
    """The fuzzy pinyin key of one character ('' for characters without pinyin)."""
    if not ("\u4e00" <= char <= "\u9fff"):
        return ""
    reading = _readings().get(ord(char))
    if not reading:
        return ""
    syllable = _plain(reading.split(",")[0])
    for long, short in _INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FINALS:
        if syllable.endswith(long):
            syllable = syllable[: -len(long)] + short
            break
    return syllable


@lru_cache(maxsize=4096)
def text_keys(text: str) -> tuple[str, ...]:
    """The key of every character of ``text`` (several matchers look at one text)."""
    return tuple(char_key(char) for char in text)


def word_key(word: str) -> tuple[str, ...] | None:
    keys = tuple(char_key(char) for char in word)
    return None if "" in keys else keys
