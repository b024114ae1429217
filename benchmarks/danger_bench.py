"""How well ``nlu.danger.find_danger`` finds danger to life in text others wrote.

    python benchmarks/danger_bench.py [CORPUS.yml] [--dev FILE ...] [--failures] [--no-held-out]

Default corpus: nlu/data/danger/corpus.yml (a copy of the persona helpers' corpus; keys
``text``, ``danger`` — the kinds, empty for none — and ``persona``). The first half
(items 0..149) is the development half: the word lists are tuned on it. The second half
is held out: its figures are printed, its failures never (``--failures`` lists the
development parts' only; ``--no-held-out`` leaves the held-out figures out).

``--dev`` names further development corpora, measured whole (default
nlu/data/danger/dev2.yml, written 2026-12-02 by another persona helper). Also printed:
how many answers to the forms' questions (nlu/data/answers/dev*.yml, every one no
danger, though a few name a past emergency) and how many NLU held-out and development
utterances of intents other than urgent_help (a few report someone alone not seen for
days: danger here) are found as danger, and µs per message.

Printed per half: recall (danger items found as danger), precision (items found as
danger that are danger), kind recall (expected kinds among those found), recall per
persona, and how many items get the one question instead of the alarm (a doubtful
injury, ``Danger.sure`` False: counted as found, since "是" gives the alarm).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from base.datafiles import load_yaml  # noqa: E402
from nlu.danger import find_danger  # noqa: E402

DEFAULT_CORPUS = ROOT / "nlu" / "data" / "danger" / "corpus.yml"
DEVELOPMENT = 150  # items 0..149
# Written by a third persona helper after the detector was built; never tuned on.
BLIND_CORPORA = (ROOT / "nlu" / "data" / "danger" / "blind2.yml",)
ANSWERS_DIR = ROOT / "nlu" / "data" / "answers"
DEV_CORPORA = [ROOT / "nlu" / "data" / "danger" / "dev2.yml"]


@dataclass
class Figures:
    danger: int = 0
    found: int = 0  # danger items found
    flagged: int = 0  # items found as danger
    false_alarms: int = 0
    asked_danger: int = 0  # danger items asked about once ("是现在受的伤吗？"), not alarmed
    asked_none: int = 0  # no-danger items asked about
    kinds_expected: int = 0
    kinds_found: int = 0
    per_persona: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.danger if self.danger else 1.0

    @property
    def precision(self) -> float:
        return (self.flagged - self.false_alarms) / self.flagged if self.flagged else 1.0


def measure(items: list[dict[str, Any]]) -> Figures:
    figures = Figures()
    for item in items:
        expected = list(item.get("danger") or [])
        danger = find_danger(str(item["text"]))
        kinds = set(danger.kinds) if danger else set()
        if danger is not None and not danger.sure:
            if expected:
                figures.asked_danger += 1
                figures.failures.append(f"asked, not alarmed {expected}: {item['text']}")
            else:
                figures.asked_none += 1
        if danger is not None:
            figures.flagged += 1
            if not expected:
                figures.false_alarms += 1
                figures.failures.append(f"false alarm {sorted(kinds)}: {item['text']}")
        if expected:
            figures.danger += 1
            row = figures.per_persona[str(item.get("persona", ""))]
            row[1] += 1
            figures.kinds_expected += len(expected)
            figures.kinds_found += len(kinds & set(expected))
            if danger is not None:
                figures.found += 1
                row[0] += 1
            else:
                figures.failures.append(f"missed {expected}: {item['text']}")
    return figures


def report(name: str, figures: Figures) -> None:
    kind_recall = figures.kinds_found / figures.kinds_expected if figures.kinds_expected else 1.0
    print(
        f"{name}: recall {figures.recall:.3f} ({figures.found}/{figures.danger}), "
        f"precision {figures.precision:.3f} ({figures.flagged - figures.false_alarms}"
        f"/{figures.flagged}), kind recall {kind_recall:.3f}"
    )
    personas = ", ".join(
        f"{persona} {found}/{total}"
        for persona, (found, total) in sorted(figures.per_persona.items())
    )
    print(f"  recall per persona: {personas}")
    print(
        f"  asked once instead of the alarm (counted as found above): "
        f"{figures.asked_danger} danger items, {figures.asked_none} no-danger items"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--dev", nargs="*", type=Path, default=DEV_CORPORA, help="more development corpora"
    )
    parser.add_argument(
        "--failures", action="store_true", help="list the development parts' failures"
    )
    parser.add_argument("--no-held-out", action="store_true", help="leave held-out figures out")
    parser.add_argument(
        "--blind",
        nargs="*",
        type=Path,
        default=[path for path in BLIND_CORPORA if path.exists()],
        help="blind corpora: figures only, never their failures",
    )
    args = parser.parse_args(argv)
    items: list[dict[str, Any]] = load_yaml(args.corpus)
    development = measure(items[:DEVELOPMENT])
    report(f"development (items 0..{DEVELOPMENT - 1})", development)
    failures = list(development.failures)
    for path in args.dev:
        extra = measure(load_yaml(path))
        report(f"development ({path.name}, {extra.danger} danger items)", extra)
        failures += [f"{path.name}: {line}" for line in extra.failures]
    answers = [
        str(row["answer"])
        for path in sorted(ANSWERS_DIR.glob("dev*.yml"))  # never blind*.yml
        for row in load_yaml(path)
    ]
    flagged = sum(1 for text in answers if find_danger(text) is not None)
    read = [find_danger(text, answering=True) for text in answers]  # as the engine reads them
    alarmed = sum(1 for danger in read if danger is not None and danger.sure)
    print(
        f"form answers (nlu/data/answers/dev*.yml) found as danger: {flagged}/{len(answers)}; "
        f"read as a form's answer: {alarmed} alarmed, "
        f"{sum(1 for d in read if d is not None) - alarmed} asked once"
    )
    from nlu.trainingdata import load_examples

    files = sorted((ROOT / "nlu" / "data" / "heldout").glob("*.yml"))
    files.append(ROOT / "nlu" / "data" / "residents" / "dev.yml")
    others = [e.text for e in load_examples(files) if e.intent != "urgent_help"]
    flagged = sum(1 for text in others if find_danger(text) is not None)
    print(
        f"NLU held-out and development utterances of other intents (never trained on) "
        f"found as danger: {flagged}/{len(others)}"
    )
    if not args.no_held_out:
        report(f"held out (items {DEVELOPMENT}..{len(items) - 1})", measure(items[DEVELOPMENT:]))
        for path in args.blind:
            blind = measure(load_yaml(path))
            report(f"blind ({path.name}, {blind.danger} danger items)", blind)
    texts = [str(item["text"]) for item in items[:DEVELOPMENT]]  # development text only
    for path in args.dev:
        texts += [str(item["text"]) for item in load_yaml(path)]
    print(speed(texts))
    if args.failures:
        for line in failures:
            print("  " + line)
    return 0


def speed(texts: list[str], rounds: int = 5) -> str:
    """µs per message over every text (after a warm-up pass), median and slowest."""
    for text in texts:
        find_danger(text)
    times: list[float] = []
    for text in texts:
        start = time.perf_counter()
        for _ in range(rounds):
            find_danger(text)
        times.append((time.perf_counter() - start) / rounds * 1e6)
    times.sort()
    mean = sum(times) / len(times)
    return (
        f"speed: {mean:.0f} µs per message on average, p50 {times[len(times) // 2]:.0f} µs, "
        f"p99 {times[int(len(times) * 0.99)]:.0f} µs ({len(texts)} messages)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
