"""Danger to life in a message: the reply gives 120/110/119/12356 first.

Read at every turn, in any flow and at any step, before the message is taken as an
answer (``bot.engine``). The word lists are ``nlu/data/lexicon/danger.yml``; this
module only combines them: a phrase counts unless a denial stands right before it,
and a "vulnerable person alone" needs both a living-alone word and a not-seen word.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from base.datafiles import load_yaml
from nlu.normalize import normalize

DANGER_FILE = Path(__file__).parent / "data" / "lexicon" / "danger.yml"
_DENIAL_REACH = 3  # characters before a phrase where a denial word still applies


@dataclass(frozen=True)
class Danger:
    """What was found: the kinds (collapse, suicide …) and the numbers to give, in order."""

    kinds: tuple[str, ...]
    lines: tuple[str, ...]

    @property
    def despair(self) -> bool:
        return "suicide" in self.kinds


@dataclass(frozen=True)
class _Lists:
    kinds: dict[str, dict[str, Any]]
    denials: tuple[str, ...]
    safe: tuple[str, ...]


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    data = load_yaml(DANGER_FILE)
    kinds = {
        kind: {
            key: (
                [_plain(w) for w in value] if isinstance(value, list) and key != "lines" else value
            )
            for key, value in spec.items()
        }
        for kind, spec in data["kinds"].items()
    }
    return _Lists(
        kinds=kinds,
        denials=tuple(sorted(data["denials"], key=len, reverse=True)),
        safe=tuple(_plain(w) for w in data["safe"]),
    )


def _plain(text: str) -> str:
    """The text as the NLU normalises it (so "一个人住" in the list matches "1个人住")."""
    return normalize(text).text.replace(" ", "")


def _said(text: str, phrase: str, denials: tuple[str, ...]) -> bool:
    """The phrase occurs somewhere without a denial right before it."""
    start = text.find(phrase)
    while start >= 0:
        before = text[max(0, start - _DENIAL_REACH - 2) : start]
        if not any(before.endswith(d) or before[-_DENIAL_REACH:].find(d) >= 0 for d in denials):
            return True
        start = text.find(phrase, start + 1)
    return False


def find_danger(text: str) -> Danger | None:
    """The danger a message may mean, or None."""
    lists = _lists()
    plain = _plain(text) if text else ""
    if not plain:
        return None
    kinds: list[str] = []
    for kind, spec in lists.kinds.items():
        words = spec.get("words", ())
        if not any(_said(plain, w, lists.denials) for w in words):
            continue
        if "alone" in spec and not any(w in plain for w in spec["alone"]):
            continue
        kinds.append(kind)
    if not kinds:
        return None
    if any(s in plain for s in lists.safe) and "suicide" not in kinds:
        return None
    lines: list[str] = []
    for kind in kinds:
        for line in lists.kinds[kind]["lines"]:
            if line not in lines:
                lines.append(line)
    return Danger(tuple(kinds), tuple(lines))
