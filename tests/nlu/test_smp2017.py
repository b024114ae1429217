"""External check: SMP2017-ECDT task 1 (data nobody here wrote), train → dev."""

from __future__ import annotations

import os

import pytest

from nlu.classifier import IntentModel
from nlu.evaluation import intent_scores
from nlu.pipeline import Pipeline
from nlu.training import train_examples
from nlu.trainingdata import load_examples
from tests.nlu.conftest import REPO

SMP = REPO.parent / "shared" / "benchmarks" / "smp2017"


def test_smp2017_dev_accuracy() -> None:
    if not (SMP / "train_nlu.yml").exists():
        # CI lays ../shared beside the clone: there the data must be found.
        if os.environ.get("CI"):
            pytest.fail(f"SMP2017 data missing at {SMP}")
        pytest.skip("SMP2017 data not present (../shared not beside this checkout)")
    pipeline = Pipeline()
    model: IntentModel = train_examples(load_examples([SMP / "train_nlu.yml"]), pipeline)
    dev = load_examples([SMP / "dev_nlu.yml"])
    predicted = [
        model.intents[int(model.probabilities(pipeline.analyse(example.text).features).argmax())]
        for example in dev
    ]
    scores = intent_scores([example.intent for example in dev], predicted)
    assert len(dev) == 770
    assert scores["accuracy"] >= 0.90
