from __future__ import annotations

from pathlib import Path

import pytest

from base.settings import Settings
from nlu.interpreter import NluInterpreter, load_interpreter

REPO = Path(__file__).resolve().parents[2]
HELDOUT = REPO / "nlu" / "data" / "heldout"
BLIND = REPO / "nlu" / "data" / "blind"
REGION = "hunan-yiyang-ziyang"


@pytest.fixture(scope="session")
def interpreter() -> NluInterpreter:
    return load_interpreter(Settings(region=REGION))
