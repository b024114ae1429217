"""The shipped model on the held-out set (written apart from the training data)."""

from __future__ import annotations

from typing import Any

import pytest

from nlu.commands import expand
from nlu.evaluation import evaluate
from nlu.interpreter import NluInterpreter
from nlu.trainingdata import load_examples
from tests.nlu.conftest import BLIND, HELDOUT

STYLES = {"typo", "traditional", "numerals", "long", "dialect", "staff"}


@pytest.fixture(scope="module")
def report(interpreter: NluInterpreter) -> dict[str, Any]:
    return evaluate(interpreter, load_examples(expand([str(HELDOUT)])))


def test_heldout_is_big_enough_and_covers_every_style_and_intent(report: dict[str, Any]) -> None:
    from nlu.types import INTENTS

    assert report["n"] >= 300
    assert set(report["per_style"]) == STYLES
    assert set(report["per_intent"]) == set(INTENTS)


def test_intent_accuracy(report: dict[str, Any]) -> None:
    assert report["accuracy"] >= 0.95, report["errors"]
    assert report["macro_f1"] >= 0.93


def test_every_style_holds_up(report: dict[str, Any]) -> None:
    for style, scores in report["per_style"].items():
        assert scores["accuracy"] >= 0.9, (style, scores)


def test_program_f1(report: dict[str, Any]) -> None:
    assert report["entities"]["program"]["f1"] >= 0.97, report["entity_errors"]


@pytest.mark.parametrize("kind", ["household_size", "monthly_income", "age"])
def test_numeric_entity_f1(report: dict[str, Any], kind: str) -> None:
    assert report["entities"][kind]["f1"] >= 0.95, report["entity_errors"]


@pytest.mark.parametrize("kind", ["id_number", "phone", "case_number"])
def test_identifiers_exact(report: dict[str, Any], kind: str) -> None:
    scores = report["entities"][kind]
    assert scores["tp"] >= 3 and scores["fp"] == 0 and scores["fn"] == 0


RESIDENTS_DEV = HELDOUT.parent / "residents" / "dev.yml"
RESIDENTS_DEV2 = HELDOUT.parent / "residents" / "dev2.yml"
RESIDENTS_DEV2_KEPT_OUT = HELDOUT.parent / "residents" / "dev2_kept_out.yml"
RESIDENTS_DEV3 = HELDOUT.parent / "residents" / "dev3.yml"
RESIDENTS_DEV3_KEPT_OUT = HELDOUT.parent / "residents" / "dev3_kept_out.yml"
RESIDENTS_DEV4 = HELDOUT.parent / "residents" / "dev4.yml"


def test_training_and_test_sets_do_not_share_utterances() -> None:
    from nlu.training import training_files

    train = {example.text for example in load_examples(training_files())}
    heldout = {example.text for example in load_examples(expand([str(HELDOUT)]))}
    blind = {example.text for example in load_examples(expand([str(BLIND)]))}
    assert not train & heldout
    assert not train & blind
    assert not heldout & blind
    # the residents' development set (written by persona helpers) is never trained on
    development = {example.text for example in load_examples([RESIDENTS_DEV])}
    assert len(development) >= 300
    assert not train & development
    # the second one: two thirds are trained on, the kept-out third never
    kept_out = {example.text for example in load_examples([RESIDENTS_DEV2_KEPT_OUT])}
    second = {example.text for example in load_examples([RESIDENTS_DEV2])}
    assert len(kept_out) >= len(second) / 3 and kept_out <= second
    assert not train & kept_out
    assert not heldout & second and not blind & second and not development & second
    # the third one: two thirds trained on since the nlu5 round, the kept-out third never
    third = {example.text for example in load_examples([RESIDENTS_DEV3])}
    third_kept_out = {example.text for example in load_examples([RESIDENTS_DEV3_KEPT_OUT])}
    assert len(third) >= 450
    assert len(third_kept_out) >= len(third) / 3 - 3 and third_kept_out <= third
    assert not train & third_kept_out
    # (a few short utterances of dev3 also occur in other sets: its training copy leaves
    # them out, which the assertions above on train check)
    # the fourth one (2026-12-03) is not trained on
    fourth = {example.text for example in load_examples([RESIDENTS_DEV4])}
    assert len(fourth) >= 450
    assert not train & fourth


def test_blind_set(interpreter: NluInterpreter) -> None:
    """Written after the model was frozen (docs/nlu.md); kept as a regression check."""
    report = evaluate(interpreter, load_examples([BLIND / "blind.yml"]))
    assert report["n"] >= 70
    assert report["accuracy"] >= 0.95, report["errors"]
    assert report["entities"]["program"]["f1"] >= 0.97


def test_residents_blind_set(interpreter: NluInterpreter) -> None:
    """693 utterances persona helpers wrote (docs/nlu.md), never trained on or tuned
    with; a regression floor, not a tuned figure. Its writers call an own-household
    "does it qualify" question self_screening, as design.md does (0.934 while the dev3
    round called it ask_eligibility, 0.978 in the nlu5 round)."""
    report = evaluate(interpreter, load_examples([BLIND / "residents.yml"]))
    assert report["n"] >= 600
    assert report["accuracy"] >= 0.95


def test_residents_second_development_set_kept_out_third(interpreter: NluInterpreter) -> None:
    """The third of dev2 never trained on (docs/nlu.md: 0.843 with the model of
    2026-12-01, 0.951 now; 4 of its 5 errors are the writer's ask_eligibility for
    own-household questions). A regression floor."""
    report = evaluate(interpreter, load_examples([RESIDENTS_DEV2_KEPT_OUT]))
    assert report["n"] >= 100
    assert report["accuracy"] >= 0.93, report["errors"]


def test_residents_third_development_set_kept_out_third(interpreter: NluInterpreter) -> None:
    """The third of dev3 never trained on (docs/nlu.md). The writer calls an own-household
    "does it qualify for X" question ask_eligibility, design.md self_screening: those
    (8 of 151) count as errors here, so the floor is below the 0.95 target."""
    report = evaluate(interpreter, load_examples([RESIDENTS_DEV3_KEPT_OUT]))
    assert report["n"] >= 150
    assert report["accuracy"] >= 0.92, report["errors"]
    others = [
        error
        for error in report["errors"]
        if (error["truth"], error["predicted"]) != ("ask_eligibility", "self_screening")
    ]
    assert len(others) <= 0.03 * report["n"], others


def test_residents_second_blind_set(interpreter: NluInterpreter) -> None:
    """309 first messages by another persona helper, never read by anyone who tuned the
    model (docs/nlu.md: 0.863, 0.906, 0.958 in the dev3 round, 0.909 in the nlu5 round).
    Its writer calls an own-household "does it qualify for X" question ask_eligibility,
    design.md self_screening (its ask_eligibility recall 0.21): the floor is below the
    0.95 target for that convention; a regression floor, not a tuned figure."""
    report = evaluate(interpreter, load_examples([BLIND / "residents2.yml"]))
    assert report["n"] >= 300
    assert report["accuracy"] >= 0.90


def test_residents_fourth_development_set(interpreter: NluInterpreter) -> None:
    """460 utterances a persona helper wrote on 2026-12-03 over every intent and style,
    not trained on (docs/nlu.md: 0.983 on arrival, every style >= 0.95). A floor."""
    report = evaluate(interpreter, load_examples([RESIDENTS_DEV4]))
    assert report["n"] >= 450
    assert report["accuracy"] >= 0.97, report["errors"]


def test_residents_third_blind_set(interpreter: NluInterpreter) -> None:
    """329 utterances by a persona helper who read design.md's intent contract and no code
    or data (2026-12-03), never trained on or tuned with (docs/nlu.md: 0.967 on arrival;
    staff accounts 0.927, every other style >= 0.95). A regression floor."""
    report = evaluate(interpreter, load_examples([BLIND / "residents3.yml"]))
    assert report["n"] >= 320
    assert report["accuracy"] >= 0.95
