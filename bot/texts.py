"""Texts of the channels and the HTTP app: ``bot/texts.yml``, rendered with Jinja2.

Channels know nothing of flows, so they do not use ``flows.texts``; this is their one
accessor. A key is ``<section>.<name>`` (``rest.too_long``, ``telegram.detail``).
Templates render as reply texts do: undefined variables are errors, runs of blank
lines shrink to one, and the result is stripped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

from base.datafiles import load_yaml

TEXTS_FILE = Path(__file__).with_name("texts.yml")
_ENV = Environment(
    undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
)
_BLANK_RUNS = re.compile(r"\n\s*\n")


def bot_text(key: str, **values: Any) -> str:
    """The text ``key`` of ``bot/texts.yml``, its template filled with ``values``."""
    section, _, name = key.partition(".")
    raw = (load_yaml(TEXTS_FILE).get(section) or {}).get(name)
    if not isinstance(raw, str):
        raise KeyError(f"no text {key!r} in {TEXTS_FILE}")
    return _BLANK_RUNS.sub("\n\n", _ENV.from_string(raw).render(**values)).strip()
