"""Reading JSON that anyone on the internet may send, without letting it crash a handler.

``json.loads`` accepts things no client of ours sends and that break code further on:
nesting a thousand levels deep (a RecursionError later), NaN and Infinity, lone
surrogates (``\\ud800``, which cannot be encoded to store or log), NUL characters
(PostgreSQL text cannot hold them) and integers beyond 64 bits (database overflow).
``json_problem`` says which of these a body has, or None when it is fine.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
MAX_INT = 2**53  # larger integers are no id, offset or amount of ours


class UnsafeJSON(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise UnsafeJSON(f"{name} is not a number")


def loads(body: bytes | str, *, allow_nul: bool = False) -> Any:
    """Parse and check; raises ``UnsafeJSON`` (a ValueError) for anything unsafe.
    ``allow_nul`` for chat messages, whose text the engine cleans before use."""
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise UnsafeJSON("nested too deeply") from exc
    except UnicodeDecodeError as exc:
        raise UnsafeJSON("not UTF-8") from exc
    _check(data, 0, allow_nul)
    return data


def json_problem(body: bytes | str, *, allow_nul: bool = False) -> str | None:
    """Why the body is not acceptable JSON, or None (also None for a body that is
    not JSON at all: the handler answers that itself)."""
    try:
        loads(body, allow_nul=allow_nul)
    except UnsafeJSON as problem:
        return str(problem)
    except ValueError:
        return None
    return None


def _check(value: Any, depth: int, allow_nul: bool) -> None:
    if depth > MAX_DEPTH:
        raise UnsafeJSON("nested too deeply")
    if isinstance(value, str):
        _check_text(value, allow_nul)
    elif isinstance(value, bool) or value is None or isinstance(value, float):
        return
    elif isinstance(value, int):
        if abs(value) > MAX_INT:
            raise UnsafeJSON("integer too large")
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1, allow_nul)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, allow_nul)
            _check(item, depth + 1, allow_nul)


def _check_text(text: str, allow_nul: bool) -> None:
    if not allow_nul and "\x00" in text:
        raise UnsafeJSON("NUL character in text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UnsafeJSON("lone surrogate in text") from exc
