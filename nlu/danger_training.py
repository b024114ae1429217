"""Training the danger n-gram model (``jiuzhu nlu train-danger``).

Training items: the development parts of the persona corpora (``corpus.yml`` items
0..149, ``dev2.yml``), the sentences written for the model (``train.yml``), and every
NLU training example of an intent other than ``urgent_help`` as "no danger" (policy
questions, screening, check-ins: the messages that must not get 120). ``urgent_help``
examples are left out: most are urgent hardship (押金, 断粮), not danger to life.
Never the held-out items 150.. of ``corpus.yml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from base.datafiles import load_yaml
from nlu.danger import detect, prepare
from nlu.danger_model import NONE, DangerModel, features

DANGER_DIR = Path(__file__).parent / "data" / "danger"
ANSWERS_DIR = Path(__file__).parent / "data" / "answers"
DEVELOPMENT = 150  # corpus.yml items 0..149; the rest is held out
KINDS = ("collapse", "breathing", "injury", "violence", "fire", "suicide", "alone_unseen")
C = 16.0
MIN_DF = 1
# Form answers count for less: many are staff-styled ("该户无存款"), and at full weight
# they taught the model that a staff account is no danger.
ANSWER_WEIGHT = 0.3
# Chosen leaving a persona corpus, an answers file or the staff accounts out (docs/nlu.md).
THRESHOLD = 0.3


@dataclass(frozen=True)
class Item:
    text: str
    kinds: tuple[str, ...]  # empty: no danger
    source: str
    weight: float = 1.0


def _items(path: Path, source: str, limit: int | None = None) -> list[Item]:
    rows: list[dict[str, Any]] = load_yaml(path)
    if limit is not None:
        rows = rows[:limit]
    return [Item(str(r["text"]), tuple(r.get("danger") or ()), source) for r in rows]


def training_items() -> list[Item]:
    from nlu.training import training_files
    from nlu.trainingdata import load_examples

    items = _items(DANGER_DIR / "corpus.yml", "corpus", DEVELOPMENT)
    items += _items(DANGER_DIR / "dev2.yml", "dev2")
    items += _items(DANGER_DIR / "train.yml", "train")
    items += [
        Item(example.text, (), "nlu")
        for example in load_examples(training_files())
        if example.intent != "urgent_help"
    ]
    # Answers to the forms' questions, as the message at every form turn is read too
    # ("不想留", "该户无存款"); those the word lists flag are left to the lists.
    for path in sorted(ANSWERS_DIR.glob("dev*.yml")):  # never blind*.yml
        rows: list[dict[str, Any]] = load_yaml(path)
        items += [
            Item(str(row["answer"]), (), f"answers-{path.stem}", ANSWER_WEIGHT)
            for row in rows
            if detect(str(row["answer"]), None) is None
        ]
    return items


def fit(
    items: Sequence[Item], c: float = C, threshold: float = THRESHOLD, min_df: int = MIN_DF
) -> DangerModel:
    """Deterministic: sorted vocabulary, lbfgs from zeros."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    classes = (NONE, *KINDS)
    docs: list[list[str]] = []
    labels: list[int] = []
    weights: list[float] = []
    for item in items:
        grams = features(prepare(item.text))
        kinds = item.kinds or (NONE,)
        for kind in kinds:  # an item of two kinds counts half for each
            docs.append(grams)
            labels.append(classes.index(kind))
            weights.append(item.weight / len(kinds))
    vectorizer = TfidfVectorizer(
        analyzer=_identity,
        sublinear_tf=True,
        lowercase=False,
        norm="l2",
        dtype=np.float64,
        min_df=min_df,
    )
    matrix = vectorizer.fit_transform(docs)
    # "none" weighs as much as the seven kinds together (not as much as each: that
    # would make any message 7/8 danger a priori), and the kinds weigh alike.
    totals = np.bincount(labels, weights=weights, minlength=len(classes))
    share = np.where(np.arange(len(classes)) == 0, 0.5, 0.5 / len(KINDS))
    per_class = share * totals.sum() / np.maximum(totals, 1e-9)
    sample_weight = np.array(weights) * per_class[labels]
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(matrix, labels, sample_weight=sample_weight)
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    coef = np.zeros((len(vocabulary), len(classes)))
    coef[:, model.classes_] = model.coef_.T
    bias = np.zeros(len(classes))
    bias[model.classes_] = model.intercept_
    return DangerModel(
        classes=classes,
        vocabulary=vocabulary,
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=coef,
        bias=bias,
        threshold=threshold,
        meta={"items": len(items), "c": c, "min_df": min_df},
    )


def _identity(doc: list[str]) -> list[str]:
    return doc


def train(out: Path | str | None = None) -> DangerModel:
    items = training_items()
    model = fit(items)
    sources: dict[str, int] = {}
    for item in items:
        sources[item.source] = sources.get(item.source, 0) + 1
    model.meta["sources"] = dict(sorted(sources.items()))
    if out is not None:
        model.save(out)
    return model
