from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from base.settings import Settings
from nlu.classifier import IntentModel
from nlu.hardship import names_feedback
from nlu.interpreter import SHIPPED_MODEL, NluInterpreter, load_interpreter
from tests.nlu.conftest import REGION


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("你好", "greet"),
        ("我要申请低保", "apply"),
        ("低保一个月多少钱", "ask_amount"),
        ("申请低保要带什么材料", "ask_materials"),
        ("我来签到", "checkin"),
        ("转人工", "human_handoff"),
        ("家里着火了，没地方住", "urgent_help"),
        ("我的申请到哪一步了", "application_status"),
        ("430902195803121231", "inform"),
    ],
)
def test_plain_requests(interpreter: NluInterpreter, text: str, intent: str) -> None:
    assert interpreter.parse(text).intent == intent


def test_result_carries_normalised_text_and_ranking(interpreter: NluInterpreter) -> None:
    result = interpreter.parse("我們家三口人")
    assert result.normalized == "我们家3口人"
    assert len(result.ranking) == 10
    assert abs(sum(score for _, score in result.ranking) - 1.0) < 0.2
    assert result.first("household_size") == 3


def test_below_the_threshold_the_intent_is_out_of_scope(tmp_path: Path) -> None:
    model = IntentModel.load(SHIPPED_MODEL)
    model.threshold = 1.01  # nothing is ever that sure
    model.save(tmp_path)
    strict = load_interpreter(Settings(region=REGION, nlu_model=str(tmp_path)))
    result = strict.parse("我要申请低保")
    assert result.intent == "out_of_scope"
    assert result.ranking[0][0] == "apply"  # the ranking keeps what came closest


def test_settings_choose_the_model(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_interpreter(Settings(nlu_model=str(tmp_path / "missing")))


def test_parse_is_thread_safe(interpreter: NluInterpreter) -> None:
    texts = ["我家三口人，一年两万四，能吃低保吗", "底保咋个申请", "我來簽到", "转人工"] * 50
    expected = [interpreter.parse(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(interpreter.parse, texts))
    assert got == expected


@pytest.mark.parametrize("text", ["五保户", "低保。", "医疗救助？", "最低生活保障"])
def test_a_bare_program_name_is_asked_about_but_not_certainly(
    interpreter: NluInterpreter, text: str
) -> None:
    """At the start it is a question about the program; inside a form it may be the
    answer, so it must not look certain enough (engine: ≥ 0.9) to interrupt a form."""
    result = interpreter.parse(text)
    assert result.intent == "ask_policy"
    assert 0.45 <= result.confidence < 0.9
    assert dict(result.ranking)["inform"] >= 0.4


def test_a_question_about_a_program_stays_certain(interpreter: NluInterpreter) -> None:
    result = interpreter.parse("五保户是什么")
    assert result.intent == "ask_policy" and result.confidence >= 0.9


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # one's own situation and whether it qualifies: screening (design.md)
        ("我家这样能评上低保吗", "self_screening"),
        ("我妈八十了一个人住，她够不够特困", "self_screening"),
        # the conditions in general
        ("有存款还能不能吃低保", "ask_eligibility"),
        ("六十岁以上的老人办特困要什么条件", "ask_eligibility"),
        # what one could get, or a request to be assessed: screening
        ("帮我看看我家能享受哪些救助", "self_screening"),
        ("我老公瘫了，我们家能申请些什么补助", "self_screening"),
        # a negated request: what follows the negation decides
        ("我不是要申请，就想了解下临时救助是什么", "ask_policy"),
        ("不用转人工，你直接说办特困要带哪些材料", "ask_materials"),
        # voice input has no comma: the request after the negation still counts
        ("我不是来投诉的我想申请临时救助", "apply"),
        ("不用评估了我现在就要申请低保", "apply"),
    ],
)
def test_eligibility_screening_and_negated_requests(
    interpreter: NluInterpreter, text: str, intent: str
) -> None:
    assert interpreter.parse(text).intent == intent


@pytest.mark.parametrize(
    ("text", "hardship"),
    [
        ("日子太难了", True),
        ("俺家老头走了 剩我一个 咋整啊", True),
        ("我一个人过 没钱看病 不知道咋办", True),
        ("好的，我先走了", False),  # 走了 alone is leaving
        ("这个表太难填了", False),
        ("我现在一个人住", True),  # the words are normalised as the text is (1个人住)
    ],
)
def test_laments_name_hardship(interpreter: NluInterpreter, text: str, hardship: bool) -> None:
    assert interpreter.parse(text).hardship is hardship


def test_feedback_words() -> None:
    assert names_feedback("村干部办事不公平，我要反映")
    assert not names_feedback("日子太难了")
