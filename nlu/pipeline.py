"""The shared, read-only parts of the NLU (lexicon, tokenizer, features, entities),
built once per process and region."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from nlu.entities import EntityExtractor
from nlu.features import FeatureMaker
from nlu.lexicon import load_lexicon, load_places
from nlu.normalize import Normalized, normalize
from nlu.tokenizer import DomainTokenizer
from nlu.types import Entity

_lock = threading.Lock()
_tokenizers: dict[str | None, DomainTokenizer] = {}


def shared_tokenizer(region_id: str | None = None) -> DomainTokenizer:
    """The process's domain tokenizer for a region: program names (catalog and
    aliases), illness, disability and dialect words, and the region's place names."""
    with _lock:
        tokenizer = _tokenizers.get(region_id)
        if tokenizer is None:
            words = load_lexicon().words()
            for place in load_places(region_id) if region_id else ():
                words.append(place.village or place.township)
            tokenizer = _tokenizers[region_id] = DomainTokenizer(words)
        return tokenizer


@dataclass(frozen=True)
class Analysis:
    normalized: Normalized
    entities: list[Entity]
    features: list[str]


class Pipeline:
    def __init__(self, region_id: str | None = None) -> None:
        lexicon = load_lexicon()
        self.region_id = region_id
        self.tokenizer = shared_tokenizer(region_id)
        self.extractor = EntityExtractor(lexicon, region_id)
        self.features = FeatureMaker(self.tokenizer, lexicon)

    def analyse(self, text: str) -> Analysis:
        normalized = normalize(text)
        entities = self.extractor.extract(normalized)
        return Analysis(normalized, entities, self.features.features(normalized.text, entities))
