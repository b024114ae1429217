"""A program's name in a message ("申请残疾人两项补贴") is what is asked for, never a fact
about a member (replayJ: 低保同殘疾人補貼 marked the applicant disabled, grade 4)."""

import pytest

from nlu.facts import extract_facts


@pytest.mark.parametrize(
    "text",
    [
        "現在申請低保同殘疾人補貼",
        "我想申请残疾人两项补贴",
        "申请重度残疾人护理补贴",
        "低保和残疾人补贴都要",
        "我要申请困难残疾人生活补贴",
    ],
)
def test_a_program_name_is_no_condition(text: str) -> None:
    facts = extract_facts(text)
    assert "disabled" not in facts and "disability_grade" not in facts
    assert "disability" in facts["programs"]


def test_a_condition_said_beside_the_name_is_still_read() -> None:
    facts = extract_facts("我老公残疾二级 想申请残疾人两项补贴")
    assert facts["disabled"] == [{"who": "spouse", "grade": 2}]
    assert extract_facts("儿子是残疾人 我要申请残疾人补贴")["disabled"] == [{"who": "child"}]
