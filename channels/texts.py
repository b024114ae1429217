"""Texts of the channels (``channels/texts/*.yml``): channels know no flow, so they
do not read the assistant's reply texts. A key is ``<file>.<name>``
(``rest.too_long``, ``telegram.detail``), rendered by ``base.texts``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from base.texts import Texts


@lru_cache(maxsize=1)
def _texts() -> Texts:
    return Texts(Path(__file__).with_name("texts"))


def channel_text(key: str, **values: Any) -> str:
    return _texts()(key, **values)
