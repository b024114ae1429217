"""NLU speed, memory and accuracy, printed beside jieba tokenisation alone.

Run: ``python benchmarks/nlu_bench.py [--rounds N] [--no-smp]``.

- load: seconds from a cold start (imports included) to a ready interpreter;
- parse p50/p99 over the held-out utterances of up to 50 characters (wall-clock, and
  CPU time of the thread, which leaves out time spent waiting for a busy core);
- jieba: the same utterances through the same private jieba tokenizer alone, and the
  ratio parse / jieba;
- RSS after loading and parsing;
- accuracy of the shipped model on the held-out set, and SMP2017-ECDT train → dev
  accuracy (external data, ../shared/benchmarks/smp2017 relative to the repository).
Targets: p50 ≤ 1 ms, p99 ≤ 5 ms, load ≤ 2 s, RSS ≤ 200 MB, SMP2017 dev ≥ 0.90.
"""

from __future__ import annotations

import time

_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from base.settings import Settings  # noqa: E402
from nlu.interpreter import load_interpreter  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "nlu" / "data" / "heldout"
SMP = REPO.parent / "shared" / "benchmarks" / "smp2017"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(function: object, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this thread's) seconds per call."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for text in texts:
            start, start_cpu = time.perf_counter(), time.thread_time()
            function(text)  # type: ignore[operator]
            cpu.append(time.thread_time() - start_cpu)
            wall.append(time.perf_counter() - start)
    return wall, cpu


def smp_accuracy() -> float | None:
    if not (SMP / "train_nlu.yml").exists():
        return None
    from nlu.evaluation import intent_scores
    from nlu.pipeline import Pipeline
    from nlu.training import train_examples
    from nlu.trainingdata import load_examples

    pipeline = Pipeline()
    model = train_examples(load_examples([SMP / "train_nlu.yml"]), pipeline)
    dev = load_examples([SMP / "dev_nlu.yml"])
    predicted = [
        model.intents[int(model.probabilities(pipeline.analyse(e.text).features).argmax())]
        for e in dev
    ]
    return float(intent_scores([e.intent for e in dev], predicted)["accuracy"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-smp", action="store_true", help="skip the SMP2017 check")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    interpreter = load_interpreter(Settings())
    interpreter.parse("你好")
    load_seconds = time.perf_counter() - _START
    rss_loaded = rss_mb()

    from nlu.commands import expand
    from nlu.evaluation import evaluate
    from nlu.trainingdata import load_examples

    examples = load_examples(expand([str(HELDOUT)]))
    texts = [e.text for e in examples if len(e.text) <= 50]
    tokenizer = interpreter.pipeline.tokenizer
    for text in texts:  # warm caches (pinyin, jieba) as a running server would have them
        interpreter.parse(text)
    parse_times, parse_cpu = timed(interpreter.parse, texts, args.rounds)
    jieba_times, _ = timed(tokenizer.cut, texts, args.rounds)
    report = evaluate(interpreter, examples)
    figures = {
        "messages": len(texts),
        "rounds": args.rounds,
        "load_s": round(load_seconds, 3),
        "parse_p50_ms": round(percentile(parse_times, 0.5) * 1000, 3),
        "parse_p99_ms": round(percentile(parse_times, 0.99) * 1000, 3),
        "parse_cpu_p50_ms": round(percentile(parse_cpu, 0.5) * 1000, 3),
        "parse_cpu_p99_ms": round(percentile(parse_cpu, 0.99) * 1000, 3),
        "jieba_p50_ms": round(percentile(jieba_times, 0.5) * 1000, 3),
        "jieba_p99_ms": round(percentile(jieba_times, 0.99) * 1000, 3),
        "parse_to_jieba_p50": round(percentile(parse_times, 0.5) / percentile(jieba_times, 0.5), 1),
        "rss_loaded_mb": round(rss_loaded, 1),
        "rss_after_mb": round(rss_mb(), 1),
        "heldout_n": report["n"],
        "heldout_accuracy": report["accuracy"],
        "heldout_macro_f1": report["macro_f1"],
        "program_f1": report["entities"]["program"]["f1"],
    }
    if not args.no_smp:
        figures["smp2017_dev_accuracy"] = smp_accuracy()
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"NLU benchmark — {len(texts)} held-out messages ≤ 50 characters × {args.rounds} rounds")
    print(f"  load (cold, imports included)  {figures['load_s']:.3f} s      (target ≤ 2 s)")
    print(
        f"  parse          p50 {figures['parse_p50_ms']:.3f} ms  p99 {figures['parse_p99_ms']:.3f} ms"
        "   (targets ≤ 1 ms, ≤ 5 ms)"
    )
    print(
        f"  parse CPU time p50 {figures['parse_cpu_p50_ms']:.3f} ms  "
        f"p99 {figures['parse_cpu_p99_ms']:.3f} ms   (wall-clock minus waiting for a core)"
    )
    print(
        f"  jieba alone    p50 {figures['jieba_p50_ms']:.3f} ms  p99 {figures['jieba_p99_ms']:.3f} ms"
    )
    print(f"  parse / jieba  {figures['parse_to_jieba_p50']}× (p50)")
    print(
        f"  RSS            {figures['rss_loaded_mb']:.1f} MB loaded, "
        f"{figures['rss_after_mb']:.1f} MB after the run   (target ≤ 200 MB)"
    )
    print(
        f"  held-out       accuracy {figures['heldout_accuracy']:.4f}  "
        f"macro-F1 {figures['heldout_macro_f1']:.4f}  program F1 {figures['program_f1']:.4f}"
    )
    if "smp2017_dev_accuracy" in figures:
        smp = figures["smp2017_dev_accuracy"]
        print(f"  SMP2017 dev    accuracy {smp:.4f}" if smp is not None else "  SMP2017: no data")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
