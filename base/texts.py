"""The one text mechanism: YAML text files rendered with Jinja2 (StrictUndefined).

A ``Texts`` reads a directory of YAML files; a key is ``<file stem>.<name>``, e.g.
``core.greet``. Undefined variables are errors, so a template and its caller cannot
drift apart unnoticed; runs of blank lines that optional blocks leave shrink to one,
and the result is stripped. Reply texts (``flows/texts``), channel texts
(``channels/texts``), the app's own texts (``bot/texts``), backend notifications and
policy reasons all use it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, meta
from pydantic import BaseModel

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


def render_given(template: Template, values: dict[str, Any]) -> str:
    """``render`` for a template that names only ``values`` (no Jinja global such as
    ``range``; its loader checks that): the globals are not copied into a context for
    each text, which makes it about three times faster (screening reasons)."""
    context = template.new_context(values, shared=True)
    text = template.environment.concat(template.root_render_func(context))  # type: ignore[attr-defined]
    return _BLANK_RUNS.sub("\n\n", text).strip()


_ATOMS = (str, int, bool, type(None), dt.date, dt.timedelta, Enum)
# Equal values that render differently (-0.0 and 0.0, Decimal 1.0 and 1.00, one moment
# in two time zones): keyed by their repr.
_BY_REPR = (float, Decimal, dt.datetime, dt.time)
_CACHE_SIZE = 4096


class _Same:
    """An unchanging object in a cache key: equal only to itself (and kept alive by the
    key, so its id cannot be reused while the entry exists)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value


class _Unfrozen(Exception):
    """A value that may change after the call (a list someone keeps, a mutable model)."""


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a template value that fixes what it renders to.

    The type is part of it (``1``, ``1.0`` and ``True`` are equal keys but render
    differently), and values that are equal yet render differently are keyed by their
    repr. Containers are frozen item by item; frozen pydantic models and frozen
    dataclasses (the policy catalogue, regions) are taken as unchanging and keyed by
    identity. Anything else raises ``_Unfrozen`` and is rendered each time.
    """
    kind = type(value)
    if isinstance(value, _BY_REPR):
        return (kind, repr(value))
    if isinstance(value, _ATOMS):
        return (kind, value)
    if kind in (list, tuple):
        return (kind, tuple(_frozen(item) for item in value))
    if kind is dict:
        return (kind, tuple((_frozen(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, BaseModel) and value.model_config.get("frozen"):
        return _Same(value)
    params = getattr(kind, "__dataclass_params__", None)
    if params is not None and params.frozen and dataclasses.is_dataclass(value):
        return _Same(value)
    raise _Unfrozen


class Texts:
    """Rendered texts are cached: a text without variables is rendered once, and one with
    variables once per distinct set of (unchanging) values, so a turn's replies cost a
    dictionary look-up each; the output is the same as rendering every time."""

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
        self._constant: dict[str, str] = {}  # texts whose template uses no variable
        self._rendered: dict[tuple[Any, ...], str] = {}
        self._lock = threading.Lock()

    def has(self, key: str) -> bool:
        return key in self._raw

    def raw(self, key: str) -> Any:
        """The value as stored (a string, a list or a mapping)."""
        try:
            return self._raw[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in {self.directory}") from None

    def __call__(self, key: str, **values: Any) -> str:
        constant = self._constant.get(key)
        if constant is not None:
            return constant
        template = self._compiled.get(key)
        if template is None:
            template = self._compile(key)
            constant = self._constant.get(key)
            if constant is not None:
                return constant
        try:
            cache_key = (key, tuple((name, _frozen(v)) for name, v in sorted(values.items())))
        except (_Unfrozen, TypeError):
            return render(template, **values)
        text = self._rendered.get(cache_key)
        if text is None:
            text = render(template, **values)
            with self._lock:
                if len(self._rendered) >= _CACHE_SIZE:
                    self._rendered.clear()  # many distinct values: start the cache afresh
                self._rendered[cache_key] = text
        return text

    def _compile(self, key: str) -> Template:
        raw = self.raw(key)
        if not isinstance(raw, str):
            raise TypeError(f"text {key!r} is not a string")
        template = compile_text(raw)
        if not meta.find_undeclared_variables(ENVIRONMENT.parse(raw)):
            self._constant[key] = render(template)
        self._compiled[key] = template
        return template
