"""Program ids and names, from ``policies.catalog`` (the fallback list in ``rules.yml`` is
used only where the catalog cannot be imported)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from backend.rules import RULES_FILE
from bot.datafiles import load_yaml


@lru_cache(maxsize=1)
def _catalog() -> Any | None:
    try:
        from policies.catalog import load_catalog
    except ImportError:
        return None
    return load_catalog()


@lru_cache(maxsize=1)
def _fallback() -> dict[str, str]:
    table: dict[str, list[str]] = load_yaml(RULES_FILE)["program_names_fallback"]
    names = {pid: pid for pid in table}
    for pid, aliases in table.items():
        names.update({alias: pid for alias in aliases})
    return names


def resolve_program(text: str) -> str | None:
    """A program id for an id or a Chinese name (``低保`` → ``dibao``), else None."""
    value = text.strip()
    if not value:
        return None
    catalog = _catalog()
    if catalog is not None:
        if value in catalog.programs:
            return value
        return catalog.resolve(value)
    return _fallback().get(value) or _fallback().get(value.lower())


def program_name(program_id: str) -> str:
    catalog = _catalog()
    if catalog is not None and program_id in catalog.programs:
        entry = catalog.programs[program_id]
        return str(getattr(entry, "short_name", "") or entry.name)
    for alias, pid in _fallback().items():
        if pid == program_id and alias != pid:
            return alias
    return program_id


def is_program(program_id: str) -> bool:
    catalog = _catalog()
    if catalog is not None:
        return program_id in catalog.programs
    return program_id in set(_fallback().values())
