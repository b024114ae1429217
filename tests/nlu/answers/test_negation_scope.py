"""Where a negation stops reaching (nlu/finders/negation.py, clause_breaks in
nlu/data/answers/text.yml)."""

from __future__ import annotations

import pytest

from nlu.finders.negation import is_negated


def negated(text: str, word: str) -> bool:
    start = text.index(word)
    return is_negated(text, start, start + len(word))


@pytest.mark.parametrize(
    "text",
    [
        # voice input has no comma: 我想/我要 turn to what the writer does want
        "我不是来投诉的我想申请临时救助",
        "不是问别的我要申请临时救助",
    ],
)
def test_what_the_writer_turns_to_after_a_negation_is_not_negated(text: str) -> None:
    assert not negated(text, "临时救助")


def test_a_negated_request_is_still_negated() -> None:
    assert negated("我不想申请临时救助", "临时救助")
