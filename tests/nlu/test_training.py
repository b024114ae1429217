from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlu.classifier import IntentModel
from nlu.interpreter import SHIPPED_MODEL
from nlu.training import train_files, training_files
from nlu.trainingdata import load_examples, parse_annotated
from nlu.types import INTENTS


def test_training_data_has_60_examples_per_intent() -> None:
    examples = load_examples(training_files())
    counts = {intent: 0 for intent in INTENTS}
    for example in examples:
        assert example.intent in counts, example
        counts[example.intent] += 1
    assert min(counts.values()) >= 60, counts


def test_training_examples_are_not_repeated() -> None:
    texts = [example.text for example in load_examples(training_files())]
    assert len(texts) == len(set(texts))


def test_annotations_are_read() -> None:
    text, entities = parse_annotated(
        '我家[三](household_size:3)口人，吃[低保]{"entity": "program", "value": "dibao"}'
    )
    assert text == "我家三口人，吃低保"
    assert [(e.entity, e.value, text[e.start : e.end]) for e in entities] == [
        ("household_size", "3", "三"),
        ("program", "dibao", "低保"),
    ]


@pytest.fixture(scope="module")
def retrained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model")
    train_files(training_files(), out)
    return out


def test_shipped_model_is_what_the_repository_data_trains(retrained: Path) -> None:
    """Deterministic training, and the committed model is not stale."""
    shipped = IntentModel.load(SHIPPED_MODEL)
    again = IntentModel.load(retrained)
    stale = "nlu/model is stale: run `jiuzhu nlu train nlu/data --out nlu/model`"
    assert shipped.intents == again.intents == tuple(sorted(INTENTS))
    # compared as one truth value: a diff of two 20,000-word vocabularies takes pytest hours
    same_words = shipped.vocabulary == again.vocabulary
    assert same_words, stale
    assert np.array_equal(shipped.weights, again.weights), stale
    assert shipped.temperature == again.temperature, stale


def test_model_files_are_small() -> None:
    size = sum(path.stat().st_size for path in SHIPPED_MODEL.iterdir())
    # the intent model (≈1.7 MB) and the danger model (≈1.75 MB, it reads every NLU
    # training example as "no danger" and so grows with them; nlu5 round: 3.47 MB)
    assert size < 3_700_000
