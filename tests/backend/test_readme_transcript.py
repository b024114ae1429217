"""The README's refusal and approval, as the applicant reads them, are the code's output
(``scripts/decisions_transcript.py``), up to the dates and case numbers of the day."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "decisions_transcript.py"
# what changes with the day it runs: case numbers, months, dates, the quarter
DAY_BOUND = re.compile(r"JZ\d{8}-\d{4}|\d{4}年第\d季度|\d{4}年\d{1,2}月|\d{4}-\d{2}(?:-\d{2})?")


def _undated(text: str) -> str:
    return DAY_BOUND.sub("…", text)


def _documented() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"scripts/decisions_transcript\.py`.*?\n```\n(.*?)\n```", readme, re.S)
    assert found, "README quotes the transcript in a code block after naming the script"
    return found.group(1)


async def test_the_readme_transcript_is_what_the_code_says(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("decisions_transcript", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    produced = await module.transcript(tmp_path)
    assert "不予受理。理由：" in produced and "每月1172元" in produced  # the two decisions
    assert "已电话联系其儿子" not in produced  # the internal note stays internal
    assert _undated(_documented()) == _undated(produced)
