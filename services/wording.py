"""Texts the use-cases write into cases and staff notices (not replies): the summary an
application or 口述办 case carries, and what staff are told when a look-up is locked.
YAML under ``services/texts/`` through the one text mechanism (``base.texts``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from base.texts import Texts

TEXTS_DIR = Path(__file__).parent / "texts"


@lru_cache(maxsize=1)
def wording() -> Texts:
    return Texts(TEXTS_DIR)
