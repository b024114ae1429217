"""Probe D (2026-12-02b): a chronic illness is no 重病, a member said not to be ill is
taken off, amounts joined by 一共/加上 are summed, and a correction of two fields in one
message keeps each in its own slot."""

from __future__ import annotations

import pytest

from nlu.answers import read_conditions, read_money
from nlu.facts import extract_facts


@pytest.mark.parametrize(
    "text",
    [
        "老伴有高血压 一个月药钱一百多",
        "老伴高血压 每个月药费两百来块",
        "我血压高 药钱一个月百把块",
    ],
)
def test_a_chronic_illness_with_its_medicine_cost_is_no_serious_illness(text: str) -> None:
    facts = extract_facts(text, slot="medical")
    assert "ill" not in facts
    assert facts["medical"] >= 100  # the cost is still read, for the medical question


def test_the_medicine_cost_is_the_answer_to_the_medical_question() -> None:
    reading = read_money("老伴有高血压 一个月药钱一百多", "medical")
    assert reading.value == 100
    assert "ill" not in reading.facts


@pytest.mark.parametrize(
    ("text", "cleared"),
    [
        ("不对 老伴高血压不算重病 收入也不对", {"ill": ["spouse"]}),
        ("老伴不是重病", {"ill": ["spouse"]}),
        ("我妈没残疾 就是年纪大了", {"disabled": ["parent"]}),
    ],
)
def test_a_member_said_not_to_have_a_condition_is_cleared(text: str, cleared: dict) -> None:
    assert extract_facts(text)["cleared"] == cleared


@pytest.mark.parametrize("text", ["家里没人残疾", "没有人得重病", "老伴中风了"])
def test_a_household_denial_or_a_condition_clears_nobody(text: str) -> None:
    assert "cleared" not in extract_facts(text)


def test_a_spouse_denied_does_not_deny_the_one_who_is_ill() -> None:
    reading = read_conditions("我有尿毒症 老伴没病")
    assert reading.value == {"ill": ["self"]}
    assert reading.facts["cleared"] == {"ill": ["spouse"]}


def test_pension_for_two_plus_farming_are_summed() -> None:
    reading = read_money("养老金是两个人一共三百 加上种地一个月九百多", "income")
    assert reading.value == 1200


def test_deposits_and_a_brothers_age_corrected_in_one_message() -> None:
    text = "存款不对 是三千多 还有我哥其实46了 我记错了"
    reading = read_money(text, "deposits")
    assert reading.value == 3000
    assert reading.facts["ages"] == [46]
    assert extract_facts(text, slot="confirm")["deposits"] == 3000


@pytest.mark.parametrize("text", ["一间老屋", "没有存款，一间老屋", "就一间老屋 前面说了"])
def test_an_old_house_is_one_house(text: str) -> None:
    assert extract_facts(text)["houses"] == 1


def test_a_vague_pension_stays_approximate() -> None:
    facts = extract_facts("每个月就一百多块养老金")
    assert facts["monthly_income"] == 100
    assert facts["approx"] == {"monthly_income": "more"}
