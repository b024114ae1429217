"""Reading Rasa NLU YAML (``version: "3.1"``, ``nlu:`` blocks of ``intent`` + ``examples``).

Entity annotations ``[text](entity)`` and ``[text]{"entity": "e", "value": v}`` are
read and stripped from the example text. An intent block may carry
``metadata: {style: typo}``; the style is kept with each example (held-out sets).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from base.datafiles import DataFileError, load_yaml_uncached

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\(([^)]+)\)|(\{[^}]*\}))")


@dataclass(frozen=True)
class AnnotatedEntity:
    entity: str
    value: Any
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()
    style: str = ""
    source: str = field(default="", compare=False)


def parse_annotated(raw: str) -> tuple[str, tuple[AnnotatedEntity, ...]]:
    """Strip entity annotations; return the plain text and the entities in it."""
    parts: list[str] = []
    entities: list[AnnotatedEntity] = []
    position = 0
    length = 0
    for match in _ANNOTATION.finditer(raw):
        before = raw[position : match.start()]
        parts.append(before)
        length += len(before)
        surface = match.group(1)
        if match.group(2):
            name, _, value = match.group(2).partition(":")
            entity_value: Any = value or surface
        else:
            spec = json.loads(match.group(3))
            name = spec["entity"]
            entity_value = spec.get("value", surface)
        entities.append(AnnotatedEntity(name.strip(), entity_value, length, length + len(surface)))
        parts.append(surface)
        length += len(surface)
        position = match.end()
    parts.append(raw[position:])
    return "".join(parts), tuple(entities)


def _examples_of(block: dict[str, Any]) -> Iterable[tuple[str, str]]:
    style = str((block.get("metadata") or {}).get("style", ""))
    examples = block.get("examples") or ""
    if isinstance(examples, str):
        for line in examples.splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield line[2:].strip(), style
    else:
        for item in examples:
            if isinstance(item, dict):
                item_style = str((item.get("metadata") or {}).get("style", style))
                yield str(item.get("text", "")).strip(), item_style
            else:
                yield str(item).strip(), style


def load_examples(paths: Iterable[Path | str]) -> list[Example]:
    """All intent examples of the given Rasa NLU YAML files, in file order."""
    examples: list[Example] = []
    for path in paths:
        data = load_yaml_uncached(path)
        if not isinstance(data, dict) or not isinstance(data.get("nlu", []), list):
            raise DataFileError(path, "expected a Rasa NLU file with an 'nlu:' list")
        for block in data.get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue  # synonyms, lookup tables, regexes
            intent = str(block["intent"])
            for raw, style in _examples_of(block):
                if raw:
                    text, entities = parse_annotated(raw)
                    examples.append(Example(text, intent, entities, style, str(path)))
    return examples
