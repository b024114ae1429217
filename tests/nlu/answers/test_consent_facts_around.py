"""An agreement stands among what else is said: a fact about the person ("不识字"), an
explanation after not understanding, after it a question to us, a wish or a fact said
with 没. A doubt, a limit, a question about what is agreed to, never; and a negator
before the agreement still keeps it unsure when it is in a fact (the legal record)."""

from __future__ import annotations

import pytest

from nlu.answers import read_confirm, read_consent

AGREED = [
    "老人不认字，我一条一条念给他听了，他说同意",  # an impairment, then agreed
    "我不会写字，你们查吧，我同意",
    "刚开始他听不懂，我给他讲清楚了，他说愿意",  # not understood, then explained
    "我同意，不过我想问一下批下来以后每个月几号发钱那个是打到卡上吗",  # a question to us
    "我同意，就是早点办下来好吗家里实在没钱了",  # a wish, a fact
    "我同意，我家也没存下什么钱",  # 什么 after a negator is "anything"
]
NOT_AGREED = [
    "我不认字，念给我听我再签",  # not yet
    "他听不懂，我还没解释，他说同意",  # not understood, never explained
    "我不识字，同意",  # not read to her: a person reads it to her first
    "我同意，不过我想问一下可不可以不查我女儿的",  # a doubt asked
    "我同意，但我想问一下，能不能再考虑两天",  # put off
    "我同意，女儿的存款也要查吗",  # what is agreed to, still asked
    "我同意，就是存款别查",  # a limit
    "同意，不过要等我儿子回来商量",
    "我同意，我老伴不同意",
    "我同意，就是能不能先不查存款",  # a doubt asked as a wish
    "家里的存折早就没了 那你们查吧 嗯 同意",  # a negator before, even a fact: a person asks
]


@pytest.mark.parametrize("text", AGREED)
def test_an_agreement_stands_among_facts_questions_and_wishes(text: str) -> None:
    assert read_consent(text).value == "agree"


@pytest.mark.parametrize("text", NOT_AGREED)
def test_a_doubt_a_limit_or_a_scope_question_is_no_agreement(text: str) -> None:
    assert read_consent(text).value != "agree"


@pytest.mark.parametrize(
    "text", ["眼睛不好 我儿子念了一遍 都对 提交", "我再核对了一遍，都对的，确认提交"]
)
def test_a_confirmation_stands_after_an_impairment_or_a_recheck_done(text: str) -> None:
    assert read_confirm(text).value == "yes"


@pytest.mark.parametrize("text", ["我再看一遍，确认", "都对，我再核对一遍，确认", "眼睛不好看不清"])
def test_a_recheck_not_yet_done_confirms_nothing(text: str) -> None:
    assert read_confirm(text).value == "no"
