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
_tokenizer: DomainTokenizer | None = None


def shared_tokenizer() -> DomainTokenizer:
    """The process's domain tokenizer (catalog names, lexicons; place names are added
    by the pipeline of each region)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            _tokenizer = DomainTokenizer(load_lexicon().words())
        return _tokenizer


@dataclass(frozen=True)
class Analysis:
    normalized: Normalized
    entities: list[Entity]
    features: list[str]


class Pipeline:
    def __init__(self, region_id: str | None = None) -> None:
        lexicon = load_lexicon()
        self.tokenizer = shared_tokenizer()
        places = load_places(region_id) if region_id else ()
        for place in places:
            self.tokenizer.add_word(place.village or place.township)
        self.extractor = EntityExtractor(lexicon, region_id)
        self.features = FeatureMaker(self.tokenizer, lexicon)

    def analyse(self, text: str) -> Analysis:
        normalized = normalize(text)
        entities = self.extractor.extract(normalized)
        return Analysis(normalized, entities, self.features.features(normalized.text, entities))
