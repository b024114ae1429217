"""The screening example in docs/policies.md must stay the service's real answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

from policies.screening import screen

DOC = Path(__file__).resolve().parents[2] / "docs" / "policies.md"


def test_documented_answer_is_the_real_one() -> None:
    blocks = re.findall(r"```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), flags=re.S)
    request, answer = (json.loads(block) for block in blocks[:2])
    assert screen(request).model_dump(mode="json") == answer
