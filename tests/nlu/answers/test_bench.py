"""The benchmark on the dev corpus (answers written by other people from personas)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DEV = REPO / "nlu" / "data" / "answers" / "dev.yml"


def _bench():
    spec = importlib.util.spec_from_file_location(
        "answers_bench", REPO / "benchmarks" / "answers_bench.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["answers_bench"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_dev_corpus_is_read_well_and_no_denial_is_read_as_yes() -> None:
    report = _bench().run([DEV])
    assert len(report.results) >= 300
    assert report.accuracy >= 0.95
    assert report.deny_read_as_yes == 0


def test_without_the_applicant_hint_no_denial_is_read_as_yes_either() -> None:
    report = _bench().run([DEV], applicant_hint=False)
    assert report.deny_read_as_yes == 0
    assert report.accuracy >= 0.9


def test_every_development_part_is_read_well_and_no_denial_is_read_as_yes() -> None:
    bench = _bench()
    for name in ("dev2.yml", "dev3.yml", "dev4.yml", "dev5.yml"):
        report = bench.run([DEV.parent / name])
        assert len(report.results) >= 240, name
        assert report.accuracy >= 0.97, (name, report.accuracy)
        assert report.deny_read_as_yes == 0, name


def test_stories_of_the_newest_part_are_read_too() -> None:
    # The facts of an answer read with no question asked (nlu.facts): dev5 84 % now.
    report = _bench().run([DEV.parent / "dev5.yml"])
    assert sum(report.story) / len(report.story) >= 0.8
