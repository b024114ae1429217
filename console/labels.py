"""The console's own words (``labels.yml``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from base.datafiles import load_yaml

LABELS_FILE = Path(__file__).with_name("labels.yml")


@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(LABELS_FILE)
    return data
