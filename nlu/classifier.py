"""The intent classifier: TF-IDF over word and character n-grams, a linear SVM, and a
softmax over its scores with a temperature fitted on cross-validated scores (so the
confidence is calibrated). Training is deterministic (fixed folds and seeds, sorted
vocabulary). The model is saved as ``model.json`` + ``weights.json`` and applied
without scikit-learn at run time (a sparse dot product: fast and thread-safe).
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = "jiuzhu-intent-v1"
DEFAULT_THRESHOLD = 0.3
# Arrays as zlib-compressed, base64-encoded JSON: no pickle, and *.json is package data.
WEIGHTS_FILE = "weights.json"


@dataclass
class IntentModel:
    intents: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, n_intents)
    bias: np.ndarray  # (n_intents,)
    temperature: float
    threshold: float
    meta: dict[str, object]

    def scores(self, features: Sequence[str]) -> np.ndarray:
        counts = Counter(index for f in features if (index := self.vocabulary.get(f)) is not None)
        if not counts:
            return self.bias.astype(np.float64)
        indexes = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        values = tf * self.idf[indexes]
        values /= np.sqrt(values @ values)
        return values @ self.weights[indexes] + self.bias

    def probabilities(self, features: Sequence[str]) -> np.ndarray:
        return softmax(self.scores(features) / self.temperature)

    def save(self, directory: Path | str) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        meta = {
            "format": FORMAT,
            "intents": list(self.intents),
            "temperature": self.temperature,
            "threshold": self.threshold,
            "meta": self.meta,
            "vocabulary": vocabulary,
        }
        (directory / "model.json").write_text(
            json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        arrays = {
            "idf": self.idf.astype(np.float16),
            "weights": self.weights.astype(np.float16),
            "bias": self.bias.astype(np.float32),
        }
        (directory / WEIGHTS_FILE).write_text(
            json.dumps({name: _encode(array) for name, array in arrays.items()}),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, directory: Path | str) -> IntentModel:
        directory = Path(directory)
        meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{directory}: not a {FORMAT} model")
        arrays = json.loads((directory / WEIGHTS_FILE).read_text(encoding="utf-8"))
        idf = _decode(arrays["idf"])
        weights = _decode(arrays["weights"])
        bias = _decode(arrays["bias"])
        vocabulary = {feature: index for index, feature in enumerate(meta["vocabulary"])}
        return cls(
            tuple(meta["intents"]), vocabulary, idf, weights, bias,
            float(meta["temperature"]), float(meta["threshold"]), dict(meta.get("meta", {})),
        )  # fmt: skip


def _encode(array: np.ndarray) -> dict[str, object]:
    data = zlib.compress(np.ascontiguousarray(array).tobytes(), 9)
    return {
        "dtype": str(array.dtype),
        "shape": list(array.shape),
        "zlib_base64": base64.b64encode(data).decode("ascii"),
    }


def _decode(item: dict[str, object]) -> np.ndarray:
    data = zlib.decompress(base64.b64decode(str(item["zlib_base64"])))
    shape = tuple(int(n) for n in item["shape"])  # type: ignore[attr-defined]
    array = np.frombuffer(data, dtype=np.dtype(str(item["dtype"]))).reshape(shape)
    return array.astype(np.float64)


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max())
    return shifted / shifted.sum()


def _fit_svm(docs: list[list[str]], labels: list[str], c: float) -> tuple[object, object]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizer = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, lowercase=False, norm="l2", dtype=np.float64
    )
    matrix = vectorizer.fit_transform(docs)
    model = LinearSVC(C=c, random_state=0, max_iter=5000)
    model.fit(matrix, labels)
    return vectorizer, model


def _two_sided(values: np.ndarray, n_classes: int) -> np.ndarray:
    """A binary SVM gives one score, for its second class; make it one per class."""
    if n_classes != 2:
        return values
    if values.ndim == 2:  # coef_ (1, n_features)
        return np.vstack([-values, values])
    if values.shape == (1,):  # intercept_
        return np.concatenate([-values, values])
    return np.stack([-values, values], axis=-1)  # decision values (n,)


def _identity(doc: list[str]) -> list[str]:
    return doc


def _fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature that minimises the negative log-likelihood."""
    best, best_nll = 1.0, math.inf
    for temperature in np.exp(np.linspace(np.log(0.02), np.log(3.0), 120)):
        scaled = scores / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_probs = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        nll = -log_probs[np.arange(len(truth)), truth].mean()
        if nll < best_nll:
            best, best_nll = float(temperature), float(nll)
    return best


def train(
    docs: list[list[str]],
    labels: list[str],
    c: float = 0.5,
    folds: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
) -> IntentModel:
    """Train on feature lists ``docs``; deterministic for the same input."""
    from sklearn.model_selection import StratifiedKFold

    intents = tuple(sorted(set(labels)))
    index_of = {intent: i for i, intent in enumerate(intents)}
    truth = np.array([index_of[label] for label in labels])
    oof = np.zeros((len(docs), len(intents)))
    counts = Counter(labels)
    n_folds = max(2, min(folds, min(counts.values())))
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=0)
    for train_index, test_index in splitter.split(np.zeros(len(labels)), truth):
        vectorizer, model = _fit_svm(
            [docs[i] for i in train_index], [labels[i] for i in train_index], c
        )
        test_matrix = vectorizer.transform([docs[i] for i in test_index])  # type: ignore[attr-defined]
        fold_scores = _two_sided(model.decision_function(test_matrix), len(model.classes_))  # type: ignore[attr-defined]
        columns = [index_of[str(name)] for name in model.classes_]  # type: ignore[attr-defined]
        oof[np.ix_(test_index, columns)] = fold_scores
    temperature = _fit_temperature(oof, truth)
    vectorizer, model = _fit_svm(docs, labels, c)
    vocabulary = vectorizer.vocabulary_  # type: ignore[attr-defined]
    order = [index_of[str(name)] for name in model.classes_]  # type: ignore[attr-defined]
    weights = np.zeros((len(vocabulary), len(intents)))
    weights[:, order] = _two_sided(model.coef_, len(intents)).T  # type: ignore[attr-defined]
    bias = np.zeros(len(intents))
    bias[order] = _two_sided(model.intercept_, len(intents))  # type: ignore[attr-defined]
    oof_accuracy = float((oof.argmax(axis=1) == truth).mean())
    # What the fallback threshold does, on cross-validated predictions.
    scaled = oof / temperature
    probs = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    top = (probs / probs.sum(axis=1, keepdims=True)).max(axis=1)
    right = oof.argmax(axis=1) == truth
    below = top < threshold
    fallback = {
        "share_below_threshold": round(float(below.mean()), 4),
        "accuracy_above": round(float(right[~below].mean()) if (~below).any() else 0.0, 4),
        "accuracy_below": round(float(right[below].mean()) if below.any() else 0.0, 4),
    }
    return IntentModel(
        intents=intents,
        vocabulary={str(k): int(v) for k, v in vocabulary.items()},
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),  # type: ignore[attr-defined]
        weights=weights,
        bias=bias,
        temperature=temperature,
        threshold=threshold,
        meta={
            "examples": len(docs),
            "c": c,
            "cv_accuracy": round(oof_accuracy, 4),
            "cv_fallback": fallback,
        },
    )
