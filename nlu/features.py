"""Features of a message for the intent classifier: word and character n-grams.

Words come from the private jieba tokenizer; digits are reduced to their shape (every
digit → "0"), dialect words also give their standard form, and each entity kind found
adds a marker feature (``e:program``), fuzzy-pinyin syllable pairs tolerate homophone
typos, so "432…" and "138…" teach "inform" as a kind.
"""

from __future__ import annotations

import re
from itertools import pairwise

from nlu.lexicon import Lexicon
from nlu.pinyin import char_key
from nlu.tokenizer import DomainTokenizer
from nlu.types import Entity

_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


class FeatureMaker:
    def __init__(self, tokenizer: DomainTokenizer, lexicon: Lexicon) -> None:
        self._tokenizer = tokenizer
        self._dialect = dict(lexicon.dialect)

    def features(
        self, normalized_text: str, entities: list[Entity] | tuple[Entity, ...] = ()
    ) -> list[str]:
        text = _DIGIT.sub("0", normalized_text.lower())
        words = self._tokenizer.cut(text)
        out = [f"w:{word}" for word in words]
        out += [f"b:{a}|{b}" for a, b in zip(["^", *words], [*words, "$"], strict=True)]
        for word in words:
            standard = self._dialect.get(word)
            if standard:
                out.append(f"w:{standard}")
        compact = _SPACE.sub("", text)
        padded = f"^{compact}$"
        for size in (1, 2, 3):
            out += [f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1)]
        # Fuzzy-pinyin syllable pairs: homophone typos ("多写" for "多谢") meet the word.
        keys = [char_key(char) for char in compact]
        out += [f"p:{a}|{b}" for a, b in pairwise(keys) if a and b]
        kinds = sorted({entity.entity for entity in entities})
        out += [f"e:{kind}" for kind in kinds]
        if not compact:
            out.append("empty")
        elif len(compact) <= 3:
            out.append("len:short")
        elif len(compact) >= 40:
            out.append("len:long")
        return out
