"""Reply texts of the assistant: YAML files under ``flows/texts/`` (``base.texts``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from base.texts import Texts

TEXTS_DIR = Path(__file__).parent / "texts"

__all__ = ["TEXTS_DIR", "Texts", "texts"]


@lru_cache(maxsize=1)
def texts() -> Texts:
    return Texts(TEXTS_DIR)
