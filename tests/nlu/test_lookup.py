"""Phrase look-up: the indexed fuzzy search finds exactly what a plain scan of every
window finds, on the shipped lexicon and place names, over the training and held-out
utterances."""

from __future__ import annotations

import re
from pathlib import Path

from base.datafiles import load_yaml
from nlu.lexicon import load_lexicon
from nlu.lookup import _CLASSIFIERS, _NUMERALS, Hit, PhraseMatcher
from nlu.pinyin import char_key, word_key
from nlu.places import _matcher, _short, load_places

HELDOUT = Path(__file__).resolve().parents[2] / "nlu" / "data" / "heldout"
REGION = "hunan-yiyang-ziyang"


def scan_fuzzy(
    phrases: list[tuple[str, str]], fuzzy_min: int, extra: set[str], text: str, covered: list[bool]
) -> list[Hit]:
    """The plain scan: at each position try every fuzzy length, longest first."""
    fuzzy: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for phrase, value in phrases:
        key = word_key(phrase) if phrase else None
        if key is not None and (len(phrase) >= fuzzy_min or phrase in extra):
            fuzzy.setdefault(key, []).append((phrase, value))
    lengths = sorted({len(key) for key in fuzzy}, reverse=True)
    keys = [char_key(char) for char in text]
    hits: list[Hit] = []
    position = 0
    while position < len(text):
        matched = 0
        for length in lengths:
            end = position + length
            if end > len(text) or any(covered[position:end]):
                continue
            window = tuple(keys[position:end])
            if "" in window:
                continue
            typed = text[position:end]
            if length == 2 and typed[0] in _NUMERALS and typed[1] in _CLASSIFIERS:
                continue
            for phrase, value in fuzzy.get(window, ()):
                if any(a == b for a, b in zip(typed, phrase, strict=True)):
                    hits.append(Hit(value, position, end, True))
                    matched = length
                    break
            if matched:
                break
        position += matched or 1
    return hits


def utterances() -> list[str]:
    found = []
    for path in [*sorted(HELDOUT.glob("*.yml")), *sorted(HELDOUT.parent.glob("*.yml"))]:
        data = load_yaml(path)
        for block in data.get("nlu", []) if isinstance(data, dict) else []:
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    found.append(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:]))
    # typos of the lexicon's own words, and a few edge cases
    return [
        *found,
        "底保",
        "低包户",
        "五宝户",
        "五包烟",
        "三保",
        "",
        "a低保b",
        "临时就助",
        "金华坪社区",
    ]


def test_the_fuzzy_index_finds_what_a_plain_scan_finds() -> None:
    lexicon = load_lexicon()
    places = [
        (phrase, str(index))
        for index, place in enumerate(load_places(REGION))
        for phrase in dict.fromkeys(
            (place.village or place.township, _short(place.village or place.township))
        )
    ]
    cases = [
        (list(lexicon.programs), 3, set(lexicon.short_fuzzy)),
        ([(word, word) for word in lexicon.illnesses], 3, set()),
        (places, 2, set()),
    ]
    matchers = [PhraseMatcher(p, fuzzy_min=m, also_fuzzy=e) for p, m, e in cases]
    texts = utterances()
    assert len(texts) > 1000
    fuzzy_hits = 0
    for matcher, (phrases, fuzzy_min, extra) in zip(matchers, cases, strict=True):
        for text in texts:
            exact = matcher.find(text, fuzzy=False)
            covered = [False] * len(text)
            for hit in exact:
                covered[hit.start : hit.end] = [True] * (hit.end - hit.start)
            expected = sorted(
                exact + scan_fuzzy(phrases, fuzzy_min, extra, text, covered),
                key=lambda hit: hit.start,
            )
            assert matcher.find(text) == expected, text
            fuzzy_hits += sum(hit.fuzzy for hit in expected)
    assert fuzzy_hits > 10  # the comparison did meet fuzzy hits
    assert _matcher(REGION)[0].find("金华坪社区") == matchers[2].find("金华坪社区")
