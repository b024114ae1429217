"""Reply texts: YAML files under ``flows/texts/``, rendered with Jinja2.

A key is ``<file stem>.<name>``, e.g. ``core.greet``. Undefined variables are
errors, so a template and its caller cannot drift apart unnoticed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template

from base.datafiles import DataFileError, load_yaml

TEXTS_DIR = Path(__file__).parent / "texts"
_BLANK_RUNS = re.compile(r"\n\s*\n")


class Texts:
    def __init__(self, directory: Path = TEXTS_DIR) -> None:
        self._env = Environment(
            undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
        )
        self._raw: dict[str, Any] = {}
        for path in sorted(directory.glob("*.yml")):
            data = load_yaml(path)
            if not isinstance(data, dict):
                raise DataFileError(path, "expected a mapping of text keys")
            for name, value in data.items():
                self._raw[f"{path.stem}.{name}"] = value
        self._compiled: dict[str, Template] = {}

    def has(self, key: str) -> bool:
        return key in self._raw

    def raw(self, key: str) -> Any:
        """The value as stored (a string, a list or a mapping)."""
        try:
            return self._raw[key]
        except KeyError:
            raise KeyError(f"no reply text {key!r} in {TEXTS_DIR}") from None

    def __call__(self, key: str, **values: Any) -> str:
        template = self._compiled.get(key)
        if template is None:
            raw = self.raw(key)
            if not isinstance(raw, str):
                raise TypeError(f"reply text {key!r} is not a string")
            template = self._compiled[key] = self._env.from_string(raw)
        # Templates with optional blocks may leave runs of blank lines: keep at most one.
        return _BLANK_RUNS.sub("\n\n", template.render(**values)).strip()


@lru_cache(maxsize=1)
def texts() -> Texts:
    return Texts()
