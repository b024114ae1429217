from __future__ import annotations

from pathlib import Path

import pytest

from base.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults, with the database in the test's own directory."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'jiuzhu.db'}", redis_url=None)
