"""probeN: a corrected amount replaces the one said before (its period kept), a named part of
an income is corrected alone, one earner is no household of one, an own house lived in is
one house owned — the account and the message after it, as the story flow joins them."""

from __future__ import annotations

import pytest

from nlu.facts import extract_facts

WAGE = "我在超市上班一个月两千左右 儿子十五岁读初三 存款三千多块"
YEAR = "一家三口 我五十 老婆四十八 一年种地加打零工大概两万四 存款就剩几百块"
PARTS = "我在小区做保洁一个月一千二 儿子结婚出去住了每个月给我们五百 存款一万块左右"
ODD = "我45岁在村里打零工一个月一千五左右 儿子吃药每个月两百 存款三千块"


@pytest.mark.parametrize(
    ("text", "income"),
    [
        (f"{WAGE}。对了我工资说多了 实际到手一个月一千八", 1800),
        (f"{WAGE}。我工資說多了 實際到手一個月一千八", 1800),
        (f"{WAGE}。对了我工资讲多咗其实到手一千七", 1700),
        (f"{WAGE}。不对 哪有三千八 全家就我一个人挣钱 一个月一千八", 1800),
        (f"{YEAR}。收入说多了 今年收成差 一年也就两万", 1667),
        (f"{YEAR}。不对 没那么多 全年总共两万块 不是两万四", 1667),
        (f"{YEAR}。是一年两万 不是一个月两万", 1667),
        (f"{YEAR}。是一年兩萬 不是一個月兩萬", 1667),
        (f"{YEAR}。全年加起来也就两万块", 1667),
        (f"{ODD}。零工也不一定天天有 平均下来一个月也就一千二", 1200),
        (
            f"{ODD}。零工也不一定天天有 平均下来一个月也就一千二。不是两千七 全家一个月就一千二",
            1200,
        ),
        (f"{ODD}。不是一千五 全家一个月就一千二", 1200),
        (f"{PARTS}。还有保洁工资说错了 现在涨到一千三了", 1800),
        (f"{PARTS}。儿子给的说错了 是八百", 2000),
        (f"{PARTS}。我工资说多了 一个月一千", 1500),
        ("老伴退休金八百 我工资不是两千 是两千五", 3300),
        ("我工资不是两千 是两千五 老伴退休金八百", 3300),
    ],
)
def test_a_correction_replaces(text: str, income: int) -> None:
    assert extract_facts(text)["monthly_income"] == income


def test_the_deposits_stay_what_they_were() -> None:
    facts = extract_facts(f"{YEAR}。不对 没那么多 全年总共两万块 不是两万四")
    assert facts["deposits"] != 20000


@pytest.mark.parametrize(
    "text", ["全家就我一个人挣钱", "家里只有我一个人赚钱", "全家就我一個人在外面打工"]
)
def test_one_earner_is_no_household_of_one(text: str) -> None:
    assert extract_facts(text).get("household_size") is None


@pytest.mark.parametrize("text", ["就我一个人", "就我一个人住"])
def test_living_alone_is_still_one(text: str) -> None:
    assert extract_facts(text)["household_size"] == 1


def test_a_number_and_a_count_after_a_space_stay_apart() -> None:
    facts = extract_facts("存款一千 一套老房子")
    assert (facts["deposits"], facts["houses"]) == (1000, 1)
    assert extract_facts("七十 六岁")["ages"] == [76]


@pytest.mark.parametrize(
    "text", ["住的是自己的老房子", "住的是自己的房子城里的", "住自己家的房子", "住的是自己盖的房子"]
)
def test_the_own_house_lived_in_is_one(text: str) -> None:
    assert extract_facts(text)["houses"] == 1


def test_a_condition_said_not_to_be_serious_is_taken_off() -> None:
    account = (
        "我老伴58岁尿毒症 一个礼拜透析三次 我56 自己也有糖尿病 吃药一个月两三百 "
        "我在小区做保洁一个月一千二"
    )
    facts = extract_facts(f"{account}。我那个糖尿病不算啥重病 还能干活")
    assert facts["ill"] == ["spouse"]
    assert facts["cleared"] == {"ill": ["self"]}
    # (while 糖尿病 reads as 重病 the account alone lists the speaker; the words clear it)
    assert set(extract_facts(account)["ill"]) <= {"self", "spouse"}
