"""Small checks shared by the loaders: each failure names the file and the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from base.datafiles import DataFileError


def fail(path: Path | str, field: str, message: str) -> DataFileError:
    """The error for one bad field; ``raise fail(...)`` keeps call sites short."""
    return DataFileError(path, f"{field}: {message}")


def mapping(path: Path | str, field: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(path, field, "应为映射（key: value）")
    return value


def sequence(path: Path | str, field: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise fail(path, field, "应为列表")
    return value


def text(path: Path | str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(path, field, "应为非空文字")
    return value.strip()


def date(path: Path | str, field: str, value: Any) -> dt.date:
    # YAML gives a date for 2023-01-01 but a str for "2023-1-1"; accept only real dates.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise fail(path, field, f"应为日期 YYYY-MM-DD，实际为 {value!r}")


def only_keys(path: Path | str, field: str, value: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise fail(path, f"{field}.{unknown[0]}" if field else unknown[0], "未知字段")
