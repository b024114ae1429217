"""Readers after probe F (docs/probes/2026-12-03/probeF): school costs per term, who a
condition is about when a son or a grandmother writes, households of a carer and the one
cared for, ages said again."""

from __future__ import annotations

import pytest

from nlu.answers import read_money
from nlu.facts import extract_facts

REGION = "hunan-yiyang-ziyang"


@pytest.mark.parametrize(
    ("text", "value", "period"),
    [
        ("一学期交一百多的资料费，一年三四百", 29, "year"),  # the year's total, not 100 + 29
        ("一年三四百，一学期一百多", 29, "year"),
        ("一学期三百", 50, "term"),  # a term is half a year
        ("每学期学费五百", 83, "term"),
        ("一个学期六百", 100, "term"),
    ],
)
def test_a_term_is_half_a_year_and_a_year_said_with_it_is_the_total(
    text: str, value: int, period: str
) -> None:
    found = read_money(text, "education")
    assert (found.value, found.period) == (value, period)


def test_deposits_gone_and_a_debt_in_one_breath() -> None:
    found = read_money("存款没有了还借了亲戚七八万", "deposits")
    assert found.value == 0
    assert found.facts["debt"] == 75000


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("我一个人在屋头照顾他，莫得收入", 2),
        ("我一個人帶著兒子，住在大碼頭街道", 2),
        ("我一个人带着两个孙子过", 3),
        ("我一个人在家照顾瘫痪的老伴", 2),
        ("我一个人住", 1),
        ("老伴走了，就我一个人过", 1),
    ],
)
def test_alone_with_the_one_cared_for_is_not_a_household_of_one(text: str, size: int) -> None:
    assert extract_facts(text).get("household_size") == size


def test_laohan_er_is_the_father_in_sichuan() -> None:
    facts = extract_facts("我屋头老汉儿瘫起了，我一个人在屋头照顾他")
    assert facts["ill"] == ["parent"]


def test_the_condition_describes_the_person_after_de() -> None:
    assert extract_facts("我一个人在家照顾瘫痪的老伴")["ill"] == ["spouse"]


@pytest.mark.parametrize(
    ("text", "kind", "facts"),
    [
        ("不是我上学，是两个孙子上学", "students", ["grandchild", "grandchild"]),
        ("不是我，是我老汉儿瘫起了", "ill", ["parent"]),
        ("不是我生病是我老婆我没病", "ill", None),  # his denial is his alone
        ("生病的是他不是我", "ill", None),
        ("我没有生病生病的是我老婆", "ill", None),
        ("重病的只有我老婆一个人本人没有重病", "ill", ["spouse"]),
    ],
)
def test_not_me_takes_the_writer_off_and_no_one_else(
    text: str, kind: str, facts: list[str] | None
) -> None:
    found = extract_facts(text)
    assert found.get("cleared", {}).get(kind) == ["self"]
    assert found.get(kind) == facts  # never [] (that would say nobody has it)


def test_a_household_denial_still_denies_for_all() -> None:
    assert extract_facts("家里没人生病") == {"ill": []}
    assert extract_facts("不是我不想工作，是我身体有病，糖尿病并发症")["ill"] == ["self"]


def test_a_rhetorical_question_denies() -> None:
    assert extract_facts("我六十七了哪还上学").get("students") == []


GRANDMOTHER = (
    "我是迎风桥镇的，今年六十七了，儿子前年在工地上出事走了，媳妇后来跑了再没回来，两个孙子"
    "跟着我过，一个十岁一个七岁，都在读小学。我就靠种点地和每个月一百多的养老金"
)


def test_the_grandchildren_follow_her_and_are_the_students() -> None:
    facts = extract_facts(GRANDMOTHER, REGION)
    assert facts["students"] == ["grandchild", "grandchild"]
    assert facts["ages"] == [67, 10, 7]


def test_an_age_said_again_after_a_correction_is_no_new_age() -> None:
    text = f"{GRANDMOTHER}。不对，不是我上学，是两个孙子上学，我六十七了哪还上学。养老金一百三十块"
    facts = extract_facts(text, REGION)
    assert facts["ages"] == [67, 10, 7]
    assert facts["students"] == ["grandchild", "grandchild"]


def test_the_ages_listed_again_replace_the_earlier_list() -> None:
    text = f"{GRANDMOTHER}。年龄是我67，孙子10岁和7岁，一共3个人"
    assert extract_facts(text, REGION)["ages"] == [67, 10, 7]
    # a later sentence with other people's ages adds them
    assert extract_facts("我70岁，老伴68岁。儿子40，儿媳妇40")["ages"] == [70, 68, 40, 40]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("存款基本没有了，看病花光了，可能就几千块", 1000, 9000),  # F13: not 0, not medical
        ("一万几千啦，我唔知实数", 11000, 19000),  # F12: only the exact figure unknown
        ("佢有一万几千蚊积蓄", 11000, 19000),
    ],
)
def test_loose_deposits_are_a_range_never_0_nor_unknown(text: str, low: int, high: int) -> None:
    found = read_money(text, "deposits")
    assert (found.value.low, found.value.high) == (low, high)
    assert not found.sure


def test_what_is_left_says_the_role_asked_only_without_a_role_word() -> None:
    found = read_money("养老金一百多，看病也就几十", "income")
    assert found.value == 100
    assert (found.facts["medical"].low, found.facts["medical"].high) == (10, 90)


@pytest.mark.parametrize(
    "text",
    ["我是说收入不对一千八是以前的现在只有一千五", "收入不对，一千八是以前的，现在只有一千五"],
)
def test_an_amount_said_to_be_the_old_one_is_not_counted(text: str) -> None:
    assert extract_facts(text)["monthly_income"] == 1500


def test_a_sons_irregular_money_adds_to_the_pensions_as_a_range() -> None:
    found = read_money("两个人养老金加起来三百多，崽有时候给几百", "income")
    assert (found.value.low, found.value.high) == (400, 1200)  # F17: not the pensions alone
    assert read_money("不到一千，大概九百几", "income").value == 900  # the same money refined


def test_an_amount_taken_back_as_an_age_is_no_money() -> None:
    facts = extract_facts("不对，医药费冇得七十，我是讲我两个都七十好几岁哒。我七十六，她七十四")
    assert "medical" not in facts  # F4 t2: not 0–70
    assert facts["ages"] == [76, 74]


def test_a_treatment_said_again_is_the_same_persons() -> None:
    text = (
        "你好我在外面打工老婆得了乳腺癌在县医院化疗家里还有两个小孩读书我一个月挣四千多块钱"
        "化疗一次就要三千多我们家能申请什么救助"
    )
    assert extract_facts(text)["ill"] == ["spouse"]  # F8 t1: not the writer too
    assert extract_facts("我老婆化疗，我也化疗")["ill"] == ["spouse", "self"]


def test_medicine_with_its_cost_is_no_illness_named() -> None:
    assert "illness" not in extract_facts("吃药一个月百把块")  # F22
    assert extract_facts("高血压吃药一个月一百")["illness"] == ["高血压"]
    assert extract_facts("常年吃药")["illness"] == ["常年吃药"]  # without a cost: kept
