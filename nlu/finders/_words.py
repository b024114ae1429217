"""The finders' and readers' word lists (``nlu/data/answers/*.yml``), loaded in one place.

The project's YAML loader is imported here and nowhere else in ``nlu/finders`` or
``nlu/answers``, so when it moves (``base.datafiles`` → ``base.datafiles``) only this
import changes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from base.datafiles import load_yaml

WORDS_DIR = Path(__file__).resolve().parent.parent / "data" / "answers"


@lru_cache(maxsize=32)
def words(name: str) -> dict[str, Any]:
    """The mapping in ``nlu/data/answers/<name>.yml`` (a missing file is an error)."""
    data = load_yaml(WORDS_DIR / f"{name}.yml")
    if not isinstance(data, dict):
        raise ValueError(f"{WORDS_DIR / name}.yml: expected a mapping at the top")
    return data


def word_list(name: str, key: str) -> tuple[str, ...]:
    """One list of ``<name>.yml``, longest word first (so "没有" is tried before "没")."""
    return tuple(sorted((str(word) for word in words(name)[key]), key=len, reverse=True))


def load_corpus(path: Path | str) -> Any:
    """A corpus file of answers (``dev.yml``), through the same loader."""
    return load_yaml(path)
