"""Training an intent model from Rasa NLU YAML files (``jiuzhu nlu train``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nlu.classifier import DEFAULT_THRESHOLD, IntentModel, train
from nlu.pipeline import Pipeline
from nlu.trainingdata import Example, load_examples

DATA_DIR = Path(__file__).parent / "data"


def training_files() -> list[Path]:
    """The shipped training data: ``nlu/data/*.yml`` (not the held-out set below it)."""
    return sorted(DATA_DIR.glob("*.yml"))


def train_examples(
    examples: Sequence[Example],
    pipeline: Pipeline | None = None,
    c: float = 1.0,
    threshold: float = DEFAULT_THRESHOLD,
) -> IntentModel:
    pipeline = pipeline or Pipeline()
    docs = [pipeline.analyse(example.text).features for example in examples]
    return train(docs, [example.intent for example in examples], c=c, threshold=threshold)


def train_files(paths: Sequence[Path | str], out: Path | str | None = None) -> IntentModel:
    model = train_examples(load_examples(paths))
    model.meta["files"] = [Path(path).name for path in paths]
    if out is not None:
        model.save(out)
    return model
