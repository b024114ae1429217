"""A message's parse and danger reading are kept per exact text (short messages repeat
at every turn): what is kept is what a fresh reading gives, and nothing kept can be
changed by a caller."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from nlu.danger import CACHED_CHARS, detect, find_danger
from nlu.danger_model import shipped_model
from nlu.interpreter import NluInterpreter
from nlu.types import Entity, ParseResult

TEXTS = ["你好", "低保标准是多少", "我們家三口人", "我妈晕倒了叫不醒", "430902195803121231", "谢谢"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_kept_parse_is_the_fresh_parse(interpreter: NluInterpreter, text: str) -> None:
    first = interpreter.parse(text)
    assert interpreter.parse(text) == first == interpreter._parse(text)


def test_a_parse_with_a_changeable_value_is_not_kept(interpreter: NluInterpreter) -> None:
    mutable = ParseResult("x", "inform", 1.0, (Entity("ages", [60, 8], 0, 1, "regex"),))
    frozen = ParseResult("x", "inform", 1.0, (Entity("ages", (60, 8), 0, 1, "regex"),))
    fresh = NluInterpreter(interpreter.model, interpreter.pipeline)
    fresh._parse = lambda text: mutable  # type: ignore[method-assign]
    assert fresh._parse_kept("x") is None  # a caller could change the list: read again
    fresh._parse = lambda text: frozen  # type: ignore[method-assign]
    assert fresh._parse_kept("x") is frozen
    with pytest.raises(FrozenInstanceError):
        frozen.intent = "greet"  # type: ignore[misc]


def test_a_long_message_is_parsed_afresh(interpreter: NluInterpreter) -> None:
    long_text = "低保" * 150
    assert interpreter.parse(long_text) is not interpreter.parse(long_text)


@pytest.mark.parametrize("answering", [False, True])
@pytest.mark.parametrize("text", [*TEXTS, "腿摔断了", "腿摔断了 想申请救助", "活着没意思"])
def test_a_kept_danger_reading_is_the_fresh_one(text: str, answering: bool) -> None:
    fresh = detect(text, shipped_model(), answering=answering)
    assert find_danger(text, answering=answering) == fresh
    assert find_danger(text, answering=answering) == fresh  # kept
    assert len(text) <= CACHED_CHARS
