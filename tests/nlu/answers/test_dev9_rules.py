"""Rules added for the dev9 answers (闽南, 陕北, 湖北 words; an uncle as the applicant;
the option's number at the event question), each tested on phrasing written here."""

from __future__ import annotations

import pytest

from nlu.answers import (
    UNKNOWN,
    read_conditions,
    read_confirm,
    read_consent,
    read_event,
    read_money,
)
from nlu.facts import extract_facts

REGION = "hunan-yiyang-ziyang"


# -- 闽南 ------------------------------------------------------------------------------
def test_minnan_children_at_school_are_both_students() -> None:
    reading = read_conditions("阮后生读职校 查某囝读小学", region=REGION)
    assert reading.value["students"] == ["child", "child"]


def test_minnan_husband_is_the_spouse() -> None:
    reading = read_conditions("阮翁中风 瘫咧床上", region=REGION)
    assert reading.value["ill"] == ["spouse"]


@pytest.mark.parametrize(
    ("text", "role", "value"),
    [
        ("一个月药钱两百外箍", "medical", 200),  # 外 after an amount: and a bit more
        ("药钱一个月百外箍", "medical", 100),  # 百外: one hundred and more
        ("毋知 阮无算过", "medical", UNKNOWN),
    ],
)
def test_minnan_amounts(text: str, role: str, value: object) -> None:
    assert read_money(text, role, region=REGION).value == value


def test_minnan_consent_and_refusal() -> None:
    assert read_consent("会使 你们查", region=REGION).value == "agree"
    assert read_consent("阮毋愿 莫查", region=REGION).value == "refuse"


def test_minnan_right_send_it_confirms() -> None:
    assert read_confirm("着 送出去", region=REGION).value == "yes"


# -- 陕北 and 湖北 -----------------------------------------------------------------------
def test_shaanbei_e_is_me_and_laohan_my_husband() -> None:
    reading = read_conditions("俄是肺癌 老汉尿毒症", region=REGION)
    assert sorted(reading.value["ill"]) == ["self", "spouse"]


def test_shaanbei_e_tells_her_own_age() -> None:
    assert extract_facts("俄五十八 老汉六十一", REGION).get("ages") == [58, 61]


def test_shaanbei_nothing_new_is_no_event() -> None:
    assert extract_facts("没甚事", REGION, slot="event").get("hardship_event") == "none"


def test_hubei_nothing_of_income_keeps_mozi() -> None:
    # 冇得么 is 没有什么; 冇得么子 still reads whole
    assert extract_facts("冇得么子事", REGION, slot="event").get("hardship_event") == "none"


# -- an uncle as the applicant ---------------------------------------------------------
def test_the_uncle_typed_for_is_the_applicant_and_the_nephew_no_member() -> None:
    facts = extract_facts("我叔叔肝癌 我是他侄子 我身体好", REGION, applicant="uncle")
    assert facts.get("ill") == ["self"]


def test_an_uncle_named_by_someone_typing_for_themself_is_no_parent() -> None:
    facts = extract_facts("我幺爸有尿毒症", REGION)
    assert facts.get("ill") != ["parent"]


# -- the event question ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "cost"),
    [("3 车祸", None), ("3 车祸 花了两万", 20000), ("5000", 5000)],
)
def test_the_option_number_at_the_event_question_is_no_cost(text: str, cost: int | None) -> None:
    assert extract_facts(text, REGION, slot="event").get("one_off_cost") == cost


# -- events named in other words -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("上礼拜渔船翻了 人救上来了", "accident"),
        ("老伴化疗反应很重 又住了一个月院", "sudden_illness"),
        ("村里搞拆迁 铺面要拆了", "other"),
    ],
)
def test_events_told_in_other_words(text: str, event: str) -> None:
    assert read_event(text, region=REGION).value == event


# -- money of two people, and money sent home ------------------------------------------
def test_each_of_two_named_with_a_relative_counts_twice() -> None:
    assert read_money("我和我哥每个月各给妈三百", "income", region=REGION).value == 600


def test_money_the_husband_sends_home_is_part_of_his_wage() -> None:
    text = "我老公在工地一个月四千 寄回来两千"
    assert read_money(text, "income", region=REGION).value == 4000


def test_savings_long_gone_are_zero() -> None:
    facts = extract_facts("积蓄早就没有了 还欠亲戚两万", REGION, slot="deposits")
    assert facts.get("deposits") == 0
    assert facts.get("debt") == 20000


# -- a spoken digit that starts a word is that word ------------------------------------
@pytest.mark.parametrize(
    "text",
    ["打我的 13986254713 幺爸听不见", "13986254713 一个人住", "幺三九 八六二五 四七幺三"],
)
def test_a_word_after_the_phone_is_no_digit_of_it(text: str) -> None:
    assert extract_facts(text, REGION, slot="phone").get("phone") == "13986254713"


# -- a house back home -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["我们在这边租房住 这里没有房子 湖南老家有一间", "城里是租的 老家有一座"]
)
def test_a_house_in_the_home_village_is_owned(text: str) -> None:
    assert extract_facts(text, REGION, slot="houses").get("houses") == 1


# -- one spouse told twice -----------------------------------------------------------------
def test_the_spouse_age_told_again_in_a_correction_is_one_person() -> None:
    text = "我58岁 老伴61 。不是我 是老伴中风 他61岁"
    assert extract_facts(text, REGION).get("ages") == [58, 61]
