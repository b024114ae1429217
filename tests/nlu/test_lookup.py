"""Phrase look-up: the fuzzy search indexed by first syllable finds exactly what a plain
scan of every window length finds, with the shipped matchers (programs with their
confusable characters, illnesses, place names), over the training and held-out
utterances."""

from __future__ import annotations

import re
from pathlib import Path

from base.datafiles import load_yaml
from nlu.entities import default_extractor
from nlu.lookup import _CLASSIFIERS, _NUMERALS, Hit, PhraseMatcher, _is_han
from nlu.places import _matcher

DATA = Path(__file__).resolve().parents[2] / "nlu" / "data"
REGION = "hunan-yiyang-ziyang"


class PlainScan(PhraseMatcher):
    """The same matcher, its fuzzy windows found by trying every length everywhere."""

    def _find_fuzzy(self, text: str, exact: list[Hit]) -> list[Hit]:
        hits: list[Hit] = []
        keys = [self._key(char) for char in text]
        lengths = sorted({len(key) for key in self._fuzzy}, reverse=True)
        position = 0
        while position < len(text):
            matched = 0
            for length in lengths:
                end = position + length
                if end > len(text):
                    continue
                window = tuple(keys[position:end])
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
                        continue
                for phrase, value in phrases:
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


def plain(matcher: PhraseMatcher) -> PlainScan:
    twin = PlainScan.__new__(PlainScan)
    twin.__dict__.update(matcher.__dict__)
    return twin


def utterances() -> list[str]:
    found = []
    for path in [*sorted((DATA / "heldout").glob("*.yml")), *sorted(DATA.glob("*.yml"))]:
        data = load_yaml(path)
        for block in data.get("nlu", []) if isinstance(data, dict) else []:
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    found.append(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:]))
    extra = ["底保", "低包户", "五宝户", "五包烟", "五包户", "三保", "", "a低保b", "临时求助"]
    return [*found, *extra, "低保边原", "低保今", "金华坪社区", "长春镇二港村"]


def test_the_fuzzy_index_finds_what_a_plain_scan_finds() -> None:
    extractor = default_extractor(REGION)
    matchers = [extractor._programs, extractor._illnesses, _matcher(REGION)[0]]
    texts = utterances()
    assert len(texts) > 1000
    fuzzy_hits = 0
    for matcher in matchers:
        scan = plain(matcher)
        for text in texts:
            expected = scan.find(text)
            assert matcher.find(text) == expected, text
            fuzzy_hits += sum(hit.fuzzy for hit in expected)
    assert fuzzy_hits > 10  # the comparison did meet fuzzy hits
