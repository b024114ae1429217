"""The HTTP app's and the engine's own texts (``bot/texts/*.yml``, ``base.texts``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from base.texts import Texts


@lru_cache(maxsize=1)
def _texts() -> Texts:
    return Texts(Path(__file__).with_name("texts"))


def bot_text(key: str, **values: Any) -> str:
    return _texts()(key, **values)
