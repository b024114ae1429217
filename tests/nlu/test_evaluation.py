from __future__ import annotations

import pytest

from nlu.evaluation import calibration, intent_scores


def test_intent_scores() -> None:
    scores = intent_scores(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert scores["accuracy"] == 0.75
    assert scores["per_intent"]["a"] == {
        "precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2
    }  # fmt: skip
    assert scores["per_intent"]["b"]["precision"] == pytest.approx(0.6667)
    assert scores["macro_f1"] == pytest.approx((0.6667 + 0.8) / 2, abs=1e-4)


def test_calibration_error() -> None:
    # 0.9-confident and always right: off by 0.1; 0.55-confident and right half the time.
    result = calibration([0.9, 0.9, 0.55, 0.55], [True, True, True, False])
    assert result["ece"] == pytest.approx(0.5 * 0.1 + 0.5 * 0.05)
    assert [b["n"] for b in result["bins"]] == [2, 2]
    assert calibration([1.0], [True])["ece"] == 0.0
