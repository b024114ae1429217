"""replayL and the merges after it: not being on 低保 ("咋没说低保", "没有低保") says nothing
of the income; a relative writing for a parent who says "我们家" speaks of the family."""

from __future__ import annotations

import pytest

from nlu.answers import read_confirm
from nlu.facts import extract_facts


@pytest.mark.parametrize(
    "text",
    [
        "那低保呢咋没说低保是不是因为那个摩托车那是个破摩托值不了几个钱",  # replayL 17
        "咋没说低保",
        "为啥没给我测低保",
        "我们家没有低保",
    ],
)
def test_not_on_dibao_is_no_income_said(text: str) -> None:
    assert "monthly_income" not in extract_facts(text)


def test_no_income_is_still_zero() -> None:
    assert extract_facts("没有收入 也没有低保")["monthly_income"] == 0
    assert extract_facts("我们家没有低保 一个月收入一千二")["monthly_income"] == 1200


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("人数不对，我们家是三口人，不是四口", 3),
        ("我家是三口人 不是四口", 3),
        ("我们屋是两个人", 2),
    ],
)
def test_we_of_a_relative_writing_for_a_parent_is_the_family(text: str, size: int) -> None:
    reading = read_confirm(text, applicant="father")
    assert reading.value == "no"
    assert reading.facts.get("household_size") == size


def test_the_writers_own_wage_stays_out_of_the_parents_household() -> None:
    facts = extract_facts(
        "我一个月工资五千多还要租房子养两个小孩 我妈一个月养老金一百多", applicant="mother"
    )
    assert facts["monthly_income"] == 100


@pytest.mark.parametrize("text", ["农村", "城镇", "长春镇", "二港村"])
def test_a_place_at_the_name_question_is_no_name(text: str) -> None:
    from nlu.answers import read_name

    assert read_name(text, region="hunan-yiyang-ziyang").value is None


@pytest.mark.parametrize("text", ["王长春", "农秀英", "陈桂花 长春镇"])
def test_names_near_places_stay_names(text: str) -> None:
    from nlu.answers import read_name

    assert read_name(text, region="hunan-yiyang-ziyang").value == text.split()[0]
