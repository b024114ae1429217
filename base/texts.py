"""The one text mechanism: YAML text files rendered with Jinja2 (StrictUndefined).

A ``Texts`` reads a directory of YAML files; a key is ``<file stem>.<name>``, e.g.
``core.greet``. Undefined variables are errors, so a template and its caller cannot
drift apart unnoticed; runs of blank lines that optional blocks leave shrink to one,
and the result is stripped. Reply texts (``flows/texts``), channel texts
(``channels/texts``), the app's own texts (``bot/texts``), backend notifications and
policy reasons all use it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template

from base.datafiles import DataFileError, load_yaml

_BLANK_RUNS = re.compile(r"\n\s*\n")
ENVIRONMENT = Environment(
    undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
)


def compile_text(source: str) -> Template:
    """A template in the project's one text syntax (for texts kept outside a ``Texts``)."""
    return ENVIRONMENT.from_string(source)


def render(template: Template, **values: Any) -> str:
    return _BLANK_RUNS.sub("\n\n", template.render(**values)).strip()


class Texts:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
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
            raise KeyError(f"no text {key!r} in {self.directory}") from None

    def __call__(self, key: str, **values: Any) -> str:
        template = self._compiled.get(key)
        if template is None:
            raw = self.raw(key)
            if not isinstance(raw, str):
                raise TypeError(f"text {key!r} is not a string")
            template = self._compiled[key] = compile_text(raw)
        return render(template, **values)
