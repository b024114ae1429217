"""Choosing among the answers a question offers (buttons with words).

A choice is named by its title, its value, one of its words, its number in the list
or its button payload ("/rural"). A word inside a negation never selects its choice
("不是农村的"); extra words around a choice are fine ("住在村里，农村户口").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nlu.finders.negation import is_negated
from nlu.finders.text import find_all, prepare, terms
from nlu.finders.values import Choice

_PUNCT = ",.;!?:~ /"
_PARTICLES = "吧啊呀噻咯哦嘛的了呢哈"


def choices_from(items: Iterable[Mapping[str, Any]]) -> tuple[Choice, ...]:
    """Choices from a YAML list of ``{value, title, words}``."""
    return tuple(
        Choice(
            str(item["value"]), str(item.get("title", item["value"])), tuple(item.get("words", ()))
        )
        for item in items
    )


def _normal(word: str) -> str:
    return prepare(word).text


def mentions(
    text: str, choices: tuple[Choice, ...], ignore: tuple[str, ...] = ()
) -> tuple[set[str], set[str]]:
    """(choices named, choices named only inside a negation) in prepared ``text``;
    words in ``ignore`` name nothing (but still hide the shorter words inside them)."""
    table: dict[str, str] = {}
    for choice in choices:
        for word in (choice.title, *choice.words):
            if word:
                table.setdefault(_normal(word), choice.value)
    named: set[str] = set()
    negated: set[str] = set()
    for start, end, word in find_all(text, tuple(table)):
        if word in ignore:
            continue
        value = table[word]
        if is_negated(text, start, end):
            negated.add(value)
        else:
            named.add(value)
    return named, negated - named


def direct_choice(text: str, choices: tuple[Choice, ...], payload: str | None) -> Choice | None:
    """A button payload, the choice's number, its value or exactly its title."""
    if payload:
        for choice in choices:
            if payload in (f"/{choice.value}", choice.value):
                return choice
    body = text.strip(_PUNCT + _PARTICLES)
    if body.isdigit() and 1 <= int(body) <= len(choices):
        return choices[int(body) - 1]
    for choice in choices:
        if body in (choice.value.lower(), _normal(choice.title)):
            return choice
    return None


def choice_of(
    text: str, choices: tuple[Choice, ...], payload: str | None = None
) -> tuple[str | None, bool]:
    """(value, sure) for a single choice.

    Rules: a payload, number or exact title decides; else the one choice named
    outside any negation; with two choices, negating one chooses the other ("不是农村的"
    → urban, not sure); several named, or none: None.
    """
    direct = direct_choice(text, choices, payload)
    if direct is not None:
        return direct.value, True
    named, negated = mentions(text, choices)
    if len(named) == 1:
        return next(iter(named)), True
    if not named and len(choices) == 2 and len(negated) == 1:
        other = [choice.value for choice in choices if choice.value not in negated]
        return other[0], True
    return None, False


def bare_no(text: str) -> bool:
    return text.strip(_PUNCT + _PARTICLES) in terms("text", "negators")
