"""Despair asked as a question ("活着有什么意思") is despair: 12356 with 120/110 (replayJ
re-check of probeH H4); the same words about something else are not."""

import pytest

from nlu.danger import find_danger


@pytest.mark.parametrize(
    "text",
    [
        "有时候想 活着有什么意思",
        "这样活着有什么意思啊",
        "活着真没什么意思",
        "我都七十多了 活着还有什么意思",
    ],
)
def test_despair_asked_as_a_question_gives_12356(text: str) -> None:
    found = find_danger(text, answering=True)
    assert found is not None and "12356" in found.lines


@pytest.mark.parametrize(
    "text", ["你问这个有什么意思", "这个政策有什么意思 我看不懂", "没什么意思"]
)
def test_the_same_words_about_something_else_are_no_danger(text: str) -> None:
    assert find_danger(text, answering=True) is None
