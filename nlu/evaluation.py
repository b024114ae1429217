"""Measuring an interpreter on labelled examples (``jiuzhu nlu test``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from nlu.trainingdata import Example
from nlu.types import Interpreter

# Entity kinds scored by value (annotated completely in the held-out set).
SCORED_ENTITIES = (
    "program", "household_size", "monthly_income", "age", "id_number", "phone", "case_number",
)  # fmt: skip


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def intent_scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    labels = sorted(set(truth))
    per_intent: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p == label)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if p == label and t != label)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t == label and p != label)
        per_intent[label] = {**_prf(tp, fp, fn), "support": tp + fn}
    correct = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p)
    macro = sum(item["f1"] for item in per_intent.values()) / len(labels) if labels else 0.0
    return {
        "n": len(truth),
        "accuracy": round(correct / len(truth), 4) if truth else 0.0,
        "macro_f1": round(macro, 4),
        "per_intent": per_intent,
    }


def calibration(confidences: Sequence[float], correct: Sequence[bool]) -> dict[str, Any]:
    """Expected calibration error over 10 equal-width confidence bins, and the bins."""
    bins: list[dict[str, Any]] = []
    ece = 0.0
    for index in range(10):
        low, high = index / 10, (index + 1) / 10
        members = [
            i for i, c in enumerate(confidences) if low <= c < high or (index == 9 and c == 1.0)
        ]
        if not members:
            continue
        confidence = sum(confidences[i] for i in members) / len(members)
        accuracy = sum(1 for i in members if correct[i]) / len(members)
        ece += len(members) / len(confidences) * abs(accuracy - confidence)
        bins.append(
            {"from": low, "to": high, "n": len(members),
             "confidence": round(confidence, 4), "accuracy": round(accuracy, 4)}
        )  # fmt: skip
    return {"ece": round(ece, 4), "bins": bins}


def evaluate(interpreter: Interpreter, examples: Sequence[Example]) -> dict[str, Any]:
    """Intent accuracy and macro-F1 (overall, per intent, per style), confusions, errors,
    and entity precision/recall/F1 per kind (by kind and value)."""
    truth: list[str] = []
    predicted: list[str] = []
    confidences: list[float] = []
    errors: list[dict[str, Any]] = []
    entity_counts: dict[str, Counter[str]] = defaultdict(Counter)
    entity_errors: list[dict[str, Any]] = []
    by_style: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for example in examples:
        result = interpreter.parse(example.text)
        truth.append(example.intent)
        predicted.append(result.intent)
        confidences.append(result.confidence)
        if example.style:
            by_style[example.style][0].append(example.intent)
            by_style[example.style][1].append(result.intent)
        if result.intent != example.intent:
            errors.append(
                {"text": example.text, "style": example.style, "truth": example.intent,
                 "predicted": result.intent, "confidence": round(result.confidence, 4)}
            )  # fmt: skip
        gold = Counter(
            (e.entity, str(e.value)) for e in example.entities if e.entity in SCORED_ENTITIES
        )
        found = Counter(
            (e.entity, str(e.value)) for e in result.entities if e.entity in SCORED_ENTITIES
        )
        for (kind, _), count in (gold & found).items():
            entity_counts[kind]["tp"] += count
        for (kind, _), count in (found - gold).items():
            entity_counts[kind]["fp"] += count
        for (kind, _), count in (gold - found).items():
            entity_counts[kind]["fn"] += count
        if gold != found:
            entity_errors.append(
                {"text": example.text, "missing": sorted(map(list, gold - found)),
                 "extra": sorted(map(list, found - gold))}
            )  # fmt: skip
    report = intent_scores(truth, predicted)
    report["per_style"] = {
        style: {k: v for k, v in intent_scores(t, p).items() if k != "per_intent"}
        for style, (t, p) in sorted(by_style.items())
    }
    confusions = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    report["confusions"] = [
        {"truth": t, "predicted": p, "count": n} for (t, p), n in confusions.most_common()
    ]
    report["calibration"] = calibration(
        confidences, [t == p for t, p in zip(truth, predicted, strict=True)]
    )
    report["errors"] = errors
    report["entities"] = {
        kind: {**_prf(c["tp"], c["fp"], c["fn"]), "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}
        for kind, c in sorted(entity_counts.items())
    }
    report["entity_errors"] = entity_errors
    return report
