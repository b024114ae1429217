"""Negated requests, homophone keywords and dialect words in the classifier's features."""

from __future__ import annotations

import pytest

from nlu.features import negated_spans
from nlu.interpreter import NluInterpreter
from nlu.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def ruled_out(text: str) -> list[str]:
    return [text[start:end] for start, end in negated_spans(text)]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("我不是要申请,我是想问要带什么材料", ["申请"]),
        ("我不是要深情啊我就是问一下低保要带些什么材料", ["深情"]),
        ("暂时不申请,只是想先了解住房救助", ["申请"]),
        ("我没说我老公有工作,他早就被辞退了", ["我老公有工作"]),
        # no comma (voice input): the scope ends where the writer turns to what they want
        ("我不是来投诉的我想申请临时救助", ["投诉的"]),
        ("不用评估了我现在就要申请低保", ["评估了"]),
        ("我没说我要申请", ["我要申请"]),
        ("不是这个", []),
        ("我要申请低保", []),
    ],
)
def test_what_a_negation_rules_out(text: str, spans: list[str]) -> None:
    assert ruled_out(text) == spans


def test_a_ruled_out_word_is_no_word_feature(pipeline: Pipeline) -> None:
    features = pipeline.analyse("我不是要申请，我是想问要带什么材料").features
    assert "n:申请" in features and "w:申请" not in features
    assert "w:材料" in features and "negated" in features
    assert not any("申请" in f for f in features if f.startswith(("c:", "b:")))


@pytest.mark.parametrize(
    ("typed", "word"), [("季度前到怎么弄", "签到"), ("我要深请低保", "申请"), ("我要头诉", "投诉")]
)
def test_a_homophone_keyword_gives_the_word(pipeline: Pipeline, typed: str, word: str) -> None:
    assert f"w:{word}" in pipeline.analyse(typed).features


def test_a_correct_keyword_is_counted_once(pipeline: Pipeline) -> None:
    assert pipeline.analyse("我要申请低保").features.count("w:申请") == 1


def test_cantonese_words_give_the_standard_word(pipeline: Pipeline) -> None:
    assert "w:谢谢" in pipeline.analyse("唔该晒").features
    assert "w:不是" in pipeline.analyse("唔系咁").features


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我不是要申请，我是想问要带什么材料", "ask_materials"),
        ("我不是要申请低保，就想知道一个月有多少钱", "ask_amount"),
        ("先不申请，想问问特困要什么条件", "ask_eligibility"),
        ("不是要办，问下临时救助去哪里办", "ask_process"),
        ("我要申请低保", "apply"),
    ],
)
def test_a_negated_request_goes_to_what_was_meant(
    interpreter: NluInterpreter, text: str, intent: str
) -> None:
    assert interpreter.parse(text).intent == intent


def asks(pipeline: Pipeline, text: str) -> list[str]:
    return [f for f in pipeline.analyse(text).features if f.startswith("ask:")]


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("我老伴瘫在床上好几年了，我自己也有高血压", ["ask:none"]),
        ("我老伴瘫在床上好几年了，我这种情况能吃低保吗", ["ask:last"]),
        ("我七十三了，一个人住，能吃低包不", ["ask:last"]),  # A-not-A at the clause end
        ("能不能吃低保，我家三口人", ["ask:earlier"]),
        ("家里三口人，帮我测一下", ["ask:last"]),  # a request counts as asking
        ("不用了谢谢", []),  # short: the words say it
    ],
)
def test_whether_and_where_a_message_asks(pipeline: Pipeline, text: str, marker: list[str]) -> None:
    assert asks(pipeline, text) == marker


def test_a_long_account_also_says_whether_it_ends_asking(pipeline: Pipeline) -> None:
    text = "我今年六十七了，老伴前年走了，儿子在外面打工一年到头不回来，我自己有高血压，种不了田了"
    assert "ask:none|long" in pipeline.analyse(text).features
    assert "ask:last|long" in pipeline.analyse(text + "，我能吃低保吗").features


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("我家3口人", "w:N"),
        ("每月1800块", "w:N"),
        ("存款50000", "w:M"),
        ("电话13907371234", "w:P"),
        ("身份证430902196503124517", "w:I"),
    ],
)
def test_a_number_is_one_class_token(pipeline: Pipeline, text: str, token: str) -> None:
    features = pipeline.analyse(text).features
    assert token in features
    assert not any(char.isdigit() for f in features for char in f)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我老伴瘫在床上好几年了，我自己也有高血压，儿子在外地打工", "inform"),
        # one's own situation and whether it qualifies: self_screening (design.md)
        ("我老伴瘫在床上好几年了，儿子在外地打工，我这种情况能吃低保吗", "self_screening"),
        ("我老伴瘫在床上好几年了，儿子在外地打工，我们能享受哪些救助", "self_screening"),
        ("低保的钱每个月几号发", "ask_amount"),
    ],
)
def test_an_account_that_asks_nothing_is_inform(
    interpreter: NluInterpreter, text: str, intent: str
) -> None:
    assert interpreter.parse(text).intent == intent
