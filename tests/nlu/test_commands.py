"""``jiuzhu nlu train`` / ``jiuzhu nlu test`` / ``jiuzhu nlu parse`` (contract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

TRAIN = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - 你好
    - 您好
    - 在吗
    - 有人吗
    - 早上好
- intent: apply
  examples: |
    - 我要申请低保
    - 帮我申请五保
    - 我想申请临时救助
    - 帮我办低保
    - 我要办理特困
"""
TEST = """version: "3.1"
nlu:
- intent: greet
  metadata: {style: typo}
  examples: |
    - 你好啊
- intent: apply
  metadata: {style: dialect}
  examples: |
    - 帮我申请个[低保](program:dibao)嘛
"""


def test_train_then_test(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "train.yml").write_text(TRAIN, encoding="utf-8")
    (tmp_path / "test.yml").write_text(TEST, encoding="utf-8")
    model = tmp_path / "model"
    assert main(["nlu", "train", str(tmp_path / "train.yml"), "--out", str(model)]) == 0
    assert (model / "model.json").exists() and (model / "weights.json").exists()
    report_path = tmp_path / "report.json"
    code = main(
        ["nlu", "test", str(tmp_path / "test.yml"), "--model", str(model),
         "--report", str(report_path)]
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "accuracy 1.0000" in out and "macro-F1 1.0000" in out
    assert "typo" in out and "dialect" in out
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["n"] == 2
    assert report["accuracy"] == 1.0
    assert report["confusions"] == []
    assert report["entities"]["program"]["f1"] == 1.0


def test_report_lists_confusions(tmp_path: Path) -> None:
    (tmp_path / "train.yml").write_text(TRAIN, encoding="utf-8")
    wrong = TEST.replace("intent: greet", "intent: apply", 1)
    (tmp_path / "test.yml").write_text(wrong, encoding="utf-8")
    main(["nlu", "train", str(tmp_path / "train.yml"), "--out", str(tmp_path / "m")])
    report_path = tmp_path / "r.json"
    main(["nlu", "test", str(tmp_path / "test.yml"), "--model", str(tmp_path / "m"),
          "--report", str(report_path)])  # fmt: skip
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["accuracy"] == 0.5
    assert report["confusions"] == [{"truth": "apply", "predicted": "greet", "count": 1}]


def test_parse_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nlu", "parse", "底保怎么申请"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["entities"][0]["value"] == "dibao"
