"""Texts of the channels and the HTTP app: ``bot/texts.yml``, rendered with Jinja2.

Channels know nothing of flows, so they do not use ``flows.texts``; this is their
one accessor. Undefined template variables are errors, as in ``flows.texts``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

from bot.datafiles import load_yaml

TEXTS_FILE = Path(__file__).with_name("texts.yml")
_ENV = Environment(undefined=StrictUndefined, autoescape=False)


def bot_text(key: str, **values: Any) -> str:
    """The text ``key`` of ``bot/texts.yml``, its template filled with ``values``."""
    raw = load_yaml(TEXTS_FILE).get(key)
    if not isinstance(raw, str):
        raise KeyError(f"no text {key!r} in {TEXTS_FILE}")
    return _ENV.from_string(raw).render(**values)
