"""Does a message name hardship? ("老公住院了，家里没收入", "屋里着火哒")

Such a message never gets the bare fallback: the engine offers screening, an
application, urgent help or a person instead. Words in ``nlu/data/lexicon/hardship.yml``
plus the illness and disability words of the lexicon, matched in the normalised text.
"""

from __future__ import annotations

from functools import lru_cache

from base.datafiles import load_yaml
from nlu.lexicon import LEXICON_DIR, load_lexicon


@lru_cache(maxsize=1)
def hardship_words() -> tuple[str, ...]:
    lexicon = load_lexicon()
    words = {str(word) for word in load_yaml(LEXICON_DIR / "hardship.yml") or ()}
    words.update(lexicon.illnesses)
    words.update(lexicon.disability)
    return tuple(sorted(word for word in words if word))


def names_hardship(normalized_text: str) -> bool:
    """True when the (normalised) text names a hardship."""
    return any(word in normalized_text for word in hardship_words())
