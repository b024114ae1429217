"""probeH leftovers (2026-12-03b, second round): 俩仨 numbers, names, illnesses."""

from __future__ import annotations

import pytest

from nlu.answers.identity import read_name
from nlu.answers.money import read_money
from nlu.facts import extract_facts


@pytest.mark.parametrize(
    ("text", "role", "value"),
    [
        ("养老金一个月一百多点 地包出去了一年给俩仨百 别的没啥了", "income", 121),  # 100 + 250/12
        ("存了俩仨千块钱 留着买棺材的", "deposits", 2500),  # 2000–3000
        ("仨俩千吧", "deposits", 2500),
        ("养老金是一百一十八 还有地租一年二百四", "income", 138),  # 118 + 240/12
    ],
)
def test_liang_sa_is_two_or_three_and_a_yearly_rent_is_added_per_month(
    text: str, role: str, value: int
) -> None:
    reading = read_money(text, role)
    assert reading.value == value


def test_liang_sa_qian_is_read_as_the_pair_two_to_three_thousand() -> None:
    assert read_money("存了俩仨千块钱", "deposits").approx == "pair"


@pytest.mark.parametrize(
    ("text", "name"),
    [("奶奶叫周桂兰", "周桂兰"), ("我奶奶名叫周桂兰", "周桂兰"), ("老伴叫曾冬梅 我叫李四", "李四")],
)
def test_at_the_name_question_a_relatives_name_alone_is_the_applicants(
    text: str, name: str
) -> None:
    assert read_name(text).value == name


def test_a_relatives_name_in_a_story_is_not_the_applicants() -> None:
    assert "name" not in extract_facts("儿子叫罗军 二十五岁没工作", "hunan-yiyang-ziyang")


def test_diabetes_with_insulin_at_the_medical_question_is_its_cost_not_a_serious_illness() -> None:
    reading = read_money("奶奶有糖尿病 打胰岛素 一个月自己掏两百左右", "medical")
    assert reading.value == 200
    assert "ill" not in reading.facts
    assert reading.facts["illness"] == ["糖尿病"]


def test_at_the_conditions_question_diabetes_with_insulin_still_weighs() -> None:
    said = extract_facts("我有 糖尿病 天天 打 胰岛素", "hunan-yiyang-ziyang", slot="conditions")
    assert said["ill"] == ["self"]


@pytest.mark.parametrize(
    "text",
    ["中風 殘疾的攏是63歲的阮翁 毋是60歲的阮", "中风 残疾的都是我老公", "中风残疾的都是我老公"],
)
def test_conditions_listed_before_whose_they_all_are_are_that_persons(text: str) -> None:
    said = extract_facts(text, "hunan-yiyang-ziyang")
    assert said["ill"] == ["spouse"]
    assert said["disabled"] == [{"who": "spouse"}]


def test_a_condition_said_of_oneself_before_another_persons_stays_ones_own() -> None:
    said = extract_facts("我中风 残疾的是我老公", "hunan-yiyang-ziyang")
    assert said["ill"] == ["self"]


def test_five_ages_said_without_a_break_and_wo_da_is_the_father() -> None:
    said = extract_facts(
        "我五十一婆娘四十九俩娃大的十五小的十岁还有我大八十了", "hunan-yiyang-ziyang"
    )
    assert said["ages"] == [51, 49, 15, 10, 80]


def test_wo_da_before_a_son_or_gai_is_no_father() -> None:
    assert extract_facts("我大儿子30", "hunan-yiyang-ziyang")["ages"] == [30]


def test_bi_an_da_san_sui_is_older_by_three_not_a_father() -> None:
    assert extract_facts("俺六十三，老头儿比俺大三岁", "hunan-yiyang-ziyang")["ages"] == [63, 66]
