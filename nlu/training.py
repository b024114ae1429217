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
    c: float = 2.0,
    threshold: float = DEFAULT_THRESHOLD,
) -> IntentModel:
    pipeline = pipeline or Pipeline()
    docs = [pipeline.analyse(example.text).features for example in examples]
    return train(docs, [example.intent for example in examples], c=c, threshold=threshold)


def train_files(
    paths: Sequence[Path | str], out: Path | str | None = None, region_id: str | None = None
) -> IntentModel:
    """Train on Rasa NLU files; the tokenizer knows the place names of ``region_id``
    (default: the settings' region, as when the model is served)."""
    if region_id is None:
        from base.settings import Settings

        region_id = Settings().region
    model = train_examples(load_examples(paths), Pipeline(region_id))
    model.meta["files"] = [Path(path).name for path in paths]
    model.meta["region"] = region_id
    if out is not None:
        model.save(out)
    return model
