"""A small character n-gram model of danger to life, next to the word lists of ``nlu.danger``.

The word lists find what they name; the model finds what they do not name yet ("一头栽炕上
了", "被钢筋扎穿了脚") and knows the messages that only look like danger (a policy question
about 煤气费补贴). Features: character 1–3-grams of the text as ``nlu.danger`` prepares it
(normalised, dialect variants replaced, everyday exaggerations blanked), TF-IDF, and a
multinomial logistic regression over ``none`` and the seven kinds. Trained by
``jiuzhu nlu train-danger`` (scikit-learn, deterministic); shipped as one JSON file
(``nlu/model/danger.json``) and applied without scikit-learn: a sparse dot product, a few
tens of µs a message.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nlu.classifier import _decode, _encode, softmax

FORMAT = "jiuzhu-danger-v1"
MODEL_FILE = Path(__file__).parent / "model" / "danger.json"
NONE = "none"
_BLANK = "_"  # what ``nlu.danger`` puts in place of an everyday exaggeration


def features(plain: str) -> list[str]:
    """Character 1–3-grams of the prepared text, with its start and end marked."""
    text = f"^{plain}$"
    out: list[str] = []
    for n in (1, 2, 3):
        for i in range(len(text) - n + 1):
            gram = text[i : i + n]
            if _BLANK not in gram and gram not in ("^", "$"):
                out.append(gram)
    return out


@dataclass
class DangerModel:
    classes: tuple[str, ...]  # NONE first, then the kinds
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, n_classes)
    bias: np.ndarray  # (n_classes,)
    threshold: float  # P(danger) from which the model alone finds danger
    meta: dict[str, object]

    def probabilities(self, plain: str) -> np.ndarray:
        get = self.vocabulary.get
        counts: dict[int, int] = {}  # a plain dict: cheaper than Counter at every turn
        for gram in features(plain):
            index = get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return softmax(self.bias)
        indexes = np.array(list(counts), dtype=np.int64)
        tf = 1.0 + np.log(np.array(list(counts.values()), dtype=np.float64))
        values = tf * self.idf[indexes]
        return softmax((values @ self.weights[indexes]) / math.sqrt(values @ values) + self.bias)

    def danger(self, plain: str) -> tuple[float, str]:
        """P(danger) and the likeliest kind."""
        probs = self.probabilities(plain)
        best = 1 + int(np.argmax(probs[1:]))
        return float(1.0 - probs[0]), self.classes[best]

    def save(self, path: Path | str) -> None:
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        data = {
            "format": FORMAT,
            "classes": list(self.classes),
            "threshold": self.threshold,
            "meta": self.meta,
            "vocabulary": vocabulary,
            "idf": _encode(self.idf.astype(np.float16)),
            "weights": _encode(self.weights.astype(np.float16)),
            "bias": _encode(self.bias.astype(np.float32)),
        }
        Path(path).write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )

    @classmethod
    def load(cls, path: Path | str) -> DangerModel:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} model")
        return cls(
            classes=tuple(data["classes"]),
            vocabulary={feature: i for i, feature in enumerate(data["vocabulary"])},
            idf=_decode(data["idf"]),
            weights=_decode(data["weights"]),
            bias=_decode(data["bias"]),
            threshold=float(data["threshold"]),
            meta=dict(data.get("meta", {})),
        )


@lru_cache(maxsize=1)
def shipped_model() -> DangerModel:
    return DangerModel.load(MODEL_FILE)
