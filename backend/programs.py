"""Program ids and names, from ``policies.catalog`` (the one source of program names)."""

from __future__ import annotations

from policies.catalog import load_catalog


def resolve_program(text: str) -> str | None:
    """A program id for an id, a Chinese name or a synonym (``低保`` → ``dibao``), else None."""
    return load_catalog().resolve(text) if text.strip() else None


def program_name(program_id: str) -> str:
    """The short Chinese name (``低保``), or the id when unknown."""
    catalog = load_catalog()
    return catalog.programs[program_id].short_name if program_id in catalog.programs else program_id


def is_program(program_id: str) -> bool:
    return program_id in load_catalog().programs
