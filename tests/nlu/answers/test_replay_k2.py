"""replayK (2026-12-04): money, ages and events as residents type them."""

from __future__ import annotations

import pytest

from nlu.answers import read_money
from nlu.facts import extract_facts


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一年學費住宿六千", 500),  # 住宿 with 学费 is the school's boarding, not a rent
        ("一年学费住宿六千", 500),
        ("学费和住宿一年六千", 500),
        ("住校伙食费一个月三百", 300),
    ],
)
def test_lodging_said_with_a_school_cost_is_a_school_cost(text: str, value: int) -> None:
    assert read_money(text, "education").value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("学费住宿一学期八百 资料费一年三四百", 162),  # 800/6 + 350/12: each cost its own period
        ("學費一個學期八百 書本費一年三四百", 162),
        ("一学期交一百多的资料费，一年三四百", 29),  # the year's total of the same cost
        ("学费住宿一学期八百，一年一千六", 133),  # the same cost said for the year
    ],
)
def test_costs_with_their_own_periods_add_up_per_month(text: str, value: int) -> None:
    assert read_money(text, "education").value == value


@pytest.mark.parametrize(
    "text",
    [
        "不是2个人 是5个人 46、48、20、14、78",
        "46 48 20 14 78",
        "家里五口人 四十六 四十八 二十 十四 七十八",
        "家裡5個人，46、48、20、14、78歲",
    ],
)
def test_a_listed_run_of_ages_is_ages_never_money(text: str) -> None:
    facts = extract_facts(text, slot="event")
    assert facts.get("ages") == [46, 48, 20, 14, 78]
    assert "one_off_cost" not in facts


@pytest.mark.parametrize(
    ("text", "key"), [("花了20、30、40块", "one_off_cost"), ("药费 20 30 40", "one_off_cost")]
)
def test_listed_numbers_with_a_money_word_stay_money(text: str, key: str) -> None:
    facts = extract_facts(text, slot="event")
    assert "ages" not in facts and facts.get(key)


@pytest.mark.parametrize(
    "text",
    ["农村的在长春镇那边租的地种", "租别人的田种", "租了人家的地种菜"],
)
def test_renting_farmland_says_nothing_of_a_home(text: str) -> None:
    assert "houses" not in extract_facts(text, slot="residence")


@pytest.mark.parametrize(
    ("text", "houses"),
    [
        ("厝是自己的", 1),  # 閩南: the house is our own
        ("農村的 房子是自己的", 1),
        ("屋系自己嘅", 1),
        ("房子是租的", 0),
        ("我们租了别人的地 房子是租的", 0),
    ],
)
def test_a_home_said_to_be_ones_own_is_one_house(text: str, houses: int) -> None:
    assert extract_facts(text).get("houses") == houses


def test_only_one_room_said_at_the_houses_question_is_one_house() -> None:
    from nlu.answers import read_assets_count

    assert read_assets_count("我哋住緊嘅單位，老公名下，得一間", "houses").value == 1
    assert read_assets_count("老公名下，就一间", "houses").value == 1
