"""Entities of the contract, found in one message.

Regex for identifiers and numbers, look-up (exact, then pinyin-fuzzy) for programs,
illnesses and places. Offsets point into the text exactly as given.
"""

from __future__ import annotations

from functools import lru_cache

from nlu.identifiers import find_identifiers
from nlu.lexicon import Lexicon, load_lexicon
from nlu.lookup import PhraseMatcher
from nlu.normalize import Normalized, normalize
from nlu.numbers import Found, find_ages, find_grades, find_household_sizes, find_money
from nlu.places import match_place_normalized
from nlu.types import Entity


class EntityExtractor:
    """Thread-safe: holds only read-only tables."""

    def __init__(self, lexicon: Lexicon, region_id: str | None = None) -> None:
        self.region_id = region_id
        self._programs = PhraseMatcher(
            lexicon.programs,
            fuzzy_min=3,
            also_fuzzy=lexicon.short_fuzzy,
            confusable=dict(lexicon.confusable),
            numeral_followers=lexicon.numeral_followers,
        )
        self._illnesses = PhraseMatcher(((word, word) for word in lexicon.illnesses), fuzzy_min=3)

    def extract(self, normalized: Normalized) -> list[Entity]:
        text = normalized.text
        found: list[Found] = find_identifiers(text)
        taken = [(item.start, item.end) for item in found]
        for finder in (find_grades, find_household_sizes, find_ages, find_money):
            found += finder(text, taken)
            taken = [(item.start, item.end) for item in found]
        entities = [self._entity(normalized, item, "regex") for item in found]
        for hit in self._programs.find(text):
            entities.append(
                self._entity(normalized, Found("program", hit.value, hit.start, hit.end), "lookup")
            )
        for hit in self._illnesses.find(text):
            entities.append(
                self._entity(normalized, Found("illness", hit.value, hit.start, hit.end), "lookup")
            )
        if self.region_id:
            place = match_place_normalized(normalized, self.region_id)
            if place is not None:
                value = place.township + (place.village or "")
                entities.append(Entity("place", value, place.start, place.end, "lookup"))
        entities.sort(key=lambda entity: (entity.start, entity.end))
        return entities

    @staticmethod
    def _entity(normalized: Normalized, item: Found, extractor: str) -> Entity:
        start, end = normalized.span(item.start, item.end)
        return Entity(item.entity, item.value, start, end, extractor)


@lru_cache(maxsize=8)
def default_extractor(region_id: str | None = None) -> EntityExtractor:
    return EntityExtractor(load_lexicon(), region_id)


def extract_entities(text: str, region_id: str | None = None) -> list[Entity]:
    """Entities in ``text`` (places only when ``region_id`` is given)."""
    return default_extractor(region_id).extract(normalize(text))
