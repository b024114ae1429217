"""The one loader for the project's YAML data (policies, parameters, replies, NLU data).

Errors name the file, so a broken data file is found at once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is much faster; fall back where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class _UniqueKeys(_Loader):  # type: ignore[misc, valid-type]
    """A key written twice in one mapping is an error, not a silent overwrite (a
    second ``note:`` once hid the first label)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # "<<: *base" is resolved later
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the constructor reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


class DataFileError(ValueError):
    """A data file is missing, unreadable or malformed."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


def load_yaml(path: Path | str) -> Any:
    """Parse one YAML file; raise ``DataFileError`` naming the file on any problem."""
    return _load_cached(str(Path(path).resolve()))


@lru_cache(maxsize=512)
def _load_cached(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_UniqueKeys)
    except FileNotFoundError as exc:
        raise DataFileError(path, "file not found") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"invalid YAML: {exc}") from exc


def load_yaml_uncached(path: Path | str) -> Any:
    """Parse a YAML file that may change while the process runs (tests, reloads)."""
    _load_cached.cache_clear()
    return load_yaml(path)


def package_dir(package: str) -> Path:
    """Directory of one of our packages, for finding the data shipped inside it."""
    import importlib

    module = importlib.import_module(package)
    return Path(module.__file__ or "").parent
