"""Does a message name hardship? ("老公住院了，家里没收入", "屋里着火哒")

Such a message never gets the bare fallback: the engine offers screening, an
application, urgent help or a person instead. Words in ``nlu/data/lexicon/hardship.yml``
plus the illness and disability words of the lexicon, matched in the normalised text.

A lament ("日子太难了") can read as a complaint to the classifier; ``names_feedback``
tells whether the message has a word of a suggestion, complaint or tip-off at all
(``nlu/data/lexicon/feedback.yml``).
"""

from __future__ import annotations

from functools import lru_cache

from base.datafiles import load_yaml
from nlu.finders.text import dialect_read
from nlu.lexicon import LEXICON_DIR, load_lexicon
from nlu.normalize import normalize


@lru_cache(maxsize=1)
def hardship_words() -> tuple[str, ...]:
    lexicon = load_lexicon()
    words = {str(word) for word in load_yaml(LEXICON_DIR / "hardship.yml") or ()}
    words.update(lexicon.illnesses)
    words.update(lexicon.disability)
    # as the text they are looked for in: "一个人住" is "1个人住" once normalised
    return tuple(sorted({normalize(word).text for word in words if word}))


@lru_cache(maxsize=1)
def feedback_words() -> tuple[str, ...]:
    words = load_yaml(LEXICON_DIR / "feedback.yml") or ()
    return tuple(sorted({normalize(str(word)).text for word in words if word}))


def names_hardship(normalized_text: str) -> bool:
    """True when the (normalised) text names a hardship, as written or read through the
    dialect table ("屋企冇米落锅" is "家里没米落锅", "火烧咗冇地方住" "火烧了没地方住")."""
    words = hardship_words()
    if any(word in normalized_text for word in words):
        return True
    plain = dialect_read(normalized_text)
    return plain != normalized_text and any(word in plain for word in words)


def names_feedback(normalized_text: str) -> bool:
    """True when the (normalised) text has a word of a suggestion, complaint or tip-off."""
    return any(word in normalized_text for word in feedback_words())
