"""Money by its role and period, with named approximation rules."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.answers import UNKNOWN, Range, read_count, read_money
from nlu.facts import extract_facts

REGION = "hunan-yiyang-ziyang"


@pytest.mark.parametrize(
    ("text", "role", "value"),
    [
        ("化疗一个月要自己出八千多", "medical", 8000),  # not 8 (the first digit) and not 1 (一个月)
        ("我爸每个月药费自己掏一千五左右", "medical", 1500),
        ("住院押金交了两万，每个月吃药还要五六百", "medical", 550),
        ("上个月做手术花了三万八，平时吃药一个月四百", "medical", 400),
        ("那个去年住院花了五万多嗯现在每个月复查也要花个一千来块", "medical", 1000),
        ("就是那个每个月嗯大概七八百块钱吧看病", "medical", 750),  # the role word after the amount
        ("一年医药费两万多", "medical", 1667),  # yearly ÷ 12
        ("我在超市上班一个月两千，我爸每个月养老金一百五，就这些", "income", 2150),  # summed
        ("工资2500，老伴退休金1800", "income", 4300),
        ("一年大概两万四左右", "income", 2000),
        ("就是种田嘛一年也就卖个五六千块钱", "income", 458),
        ("该户年收入约3.6万元", "income", 3000),
        ("一天一百", "income", 3000),
        ("她说每个月子女给八百，没别的收入", "income", 800),
        ("我老婆一个月一千八我自己那个失业了没有收入", "income", 1800),
        ("一个月就七八百块钱低保都没有", "income", 750),
        ("刚才说错了，收入是一千二", "income", 1200),
        ("我一个月是两千五不是两千", "income", 2500),
        ("存款一万二左右，但是给我爸看病欠了亲戚八万", "deposits", 12000),
        ("存款一万二左右，但是给我爸看病欠了亲戚八万", "debt", 80000),
        ("手上现金两千，存款一万", "deposits", 12000),
        ("户主称存款1.5万", "deposits", 15000),
        ("十来万", "deposits", 100000),
        ("住院押金交了两万", "one_off", 20000),
        ("户主说今年住院自付了2.5万", "one_off", 25000),
        ("该户两个月前遭遇车祸，医疗费约2万元", "one_off", 20000),
    ],
)
def test_each_amount_is_read_with_its_role(text: str, role: str, value: int) -> None:
    assert read_money(text, role).value == value


@pytest.mark.parametrize(
    ("text", "role", "fact", "value"),
    [
        (
            "住院押金交了两万",
            "medical",
            "one_off_cost",
            20000,
        ),  # a one-off is never monthly spending
        ("住院花了一万多", "medical", "one_off_cost", 10000),
        ("1套", "deposits", "houses", 1),  # 套 is not yuan
        ("就一套老房子 没存款", "deposits", "houses", 1),
        ("3口人", "monthly_income", "household_size", 3),
        ("早就花光了 还欠人家两万", "deposits", "debt", 20000),
    ],
)
def test_an_amount_of_another_role_is_kept_as_its_own_fact(
    text: str, role: str, fact: str, value: int
) -> None:
    reading = read_money(text, {"monthly_income": "income"}.get(role, role))
    assert reading.facts[fact] == value
    if text in ("住院押金交了两万", "住院花了一万多", "1套", "3口人"):
        assert reading.value is None


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("现在一分钱收入都没有", "income"), ("没有收入", "income"), ("沒有收入，靠親戚接濟", "income"),
        ("没有", "income"), ("存款早就花光了", "deposits"), ("冇得存款咯", "deposits"), ("莫得钱 还差人家五千块", "deposits"),
        ("老人说存款都给孙子交学费了，现在没有", "deposits"), ("不吃药 没花钱", "medical"), ("么得看病 冇花钱", "medical"),
    ],
)  # fmt: skip
def test_none_at_all_is_zero(text: str, role: str) -> None:
    assert read_money(text, role).value == 0


@pytest.mark.parametrize(
    "text",
    [
        "不清楚",
        "记不得了",
        "搞不清楚好多钱",
        "我也说不清楚嗯反正就是很多",
        "不清楚那个卡都在我老婆那里",
    ],
)
def test_not_knowing_is_unknown_never_zero(text: str) -> None:
    for role in ("income", "medical", "deposits"):
        assert read_money(text, role).value == UNKNOWN


def test_not_much_is_not_zero() -> None:
    assert read_money("冇得好多钱 一个月千把块", "income").value == 1000
    assert read_money("莫得好多 百把块", "medical").value == 100


@pytest.mark.parametrize(
    ("text", "value", "rule"),
    [
        ("八千多", 8000, "more"),
        ("一万多", 10000, "more"),
        ("三千几", 3000, "more"),
        ("八千来块", 8000, "more"),
        ("两三百", 250, "pair"),
        ("五六千", 5500, "pair"),
        ("七八百", 750, "pair"),
        ("千把块", 1000, "unit"),
        ("每月大約一千五百元", 1500, "about"),
        ("几百", Range(100, 900), "range"),
        ("几千块钱噻", Range(1000, 9000), "range"),
        ("几万", Range(10000, 90000), "range"),
        ("一个月一千到两千", Range(1000, 2000), "span"),
        ("有时候一千有时候两千", Range(1000, 2000), "span"),
        ("不到一千", Range(0, 1000), "below"),
        ("1.2万", 12000, None),
        ("2万4", 24000, None),
    ],
)
def test_approximations_follow_named_rules(text: str, value: object, rule: str | None) -> None:
    reading = read_money(text, "deposits")
    assert reading.value == value
    assert reading.approx == rule


def test_a_yearly_range_becomes_monthly() -> None:
    assert read_money("一年几万块", "income").value == Range(833, 7500)


def test_period_is_reported() -> None:
    assert read_money("一年大概两万四左右", "income").period == "year"
    assert read_money("化疗一个月要自己出八千多", "medical").period == "month"


_AMOUNT = st.integers(min_value=1, max_value=99_999)


@settings(max_examples=200, deadline=None)
@given(_AMOUNT, st.sampled_from(["元", "块", "块钱"]))
def test_a_monthly_amount_in_digits_or_chinese_is_read_back(amount: int, unit: str) -> None:
    assert read_money(f"一个月{amount}{unit}", "income").value == amount
    chinese = cn2an.an2cn(str(amount))
    assert read_money(f"每个月{chinese}{unit}", "income").value == amount


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=12, max_value=240_000))
def test_a_yearly_income_is_divided_by_twelve(amount: int) -> None:
    assert read_money(f"一年收入{amount}元", "income").value == round(amount / 12)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=21, max_value=99_999), st.sampled_from(["元", "块", "块钱"]))
def test_money_at_the_household_question_is_never_a_household_size(amount: int, unit: str) -> None:
    reading = read_count(f"{amount}{unit}")
    assert reading.value is None
    assert reading.facts.get("monthly_income") == amount


@pytest.mark.parametrize(
    ("text", "role", "value"),
    [
        # the unit said without its 一, and tens before 几
        ("药费一个月千几块", "medical", 1000),
        ("卡里有万多块", "deposits", 10000),
        ("低保一个月两百四十几块", "income", 240),
        # an own share replaces the bill before it, not a cost after it or someone else's
        ("住院花了两万，报了一半，自己出了一万", "one_off", 10000),
        ("化疗每月自费三千，报销以后；另外吃药每月三百", "medical", 3300),
        ("我吃药一个月两百，老伴那边报了以后自己出八百", "medical", 1000),
        # only the exact figure unknown: the approximation stands
        ("存款大概三四万，具体多少说不清", "deposits", 35000),
        # what was there before is not there now
        ("原来存了八万，看病用了，现在只剩两万", "deposits", 20000),
        ("存款基本没有", "deposits", 0),
    ],
)
def test_money_by_meaning(text: str, role: str, value: int) -> None:
    assert read_money(text, role).value == value


def test_spending_after_a_passive_gives_no_income() -> None:
    reading = read_money("上周被车给撞了，花了三千", "one_off")
    assert reading.value == 3000
    assert "monthly_income" not in reading.facts


@pytest.mark.parametrize(
    ("text", "income"),
    [
        ("收入是三百 年龄是73", 300),  # 年龄 after the amount names no period
        ("收入三百 过年的时候他回来", 300),
        ("一年收入三千六", 300),  # a real period still divides
    ],
)
def test_words_with_nian_that_name_no_period_do_not_make_an_amount_yearly(
    text: str, income: int
) -> None:
    assert extract_facts(text, REGION)["monthly_income"] == income


def test_an_age_corrected_at_the_summary_is_never_income() -> None:
    # a tester's correction at the summary: it once became 家庭月收入 6 元
    assert "monthly_income" not in extract_facts("对的 不过年纪我记错了 过了年是七十三", REGION)


@pytest.mark.parametrize(
    "text",
    [
        "我是说已经交了的那个申请 JZ20261204-0008 要改收入",  # probeM H1: it read 8元
        "jz20261204-8的收入填错了",
        "jz 20261204 8 的收入要改",
        "编号20261204-0008 收入不对",
        "收入改 0008那个",
        "2026年12月4日交的 收入写错了",  # it read 4元
        "2026-12-04交的 收入填错了",  # it read 2042元
        "收入改一下 12月1日以后没活干",
        "我电话13974371122 收入要改",
    ],
)
def test_case_numbers_dates_and_phones_are_never_money(text: str) -> None:
    assert read_money(text, "income").value is None
    assert "monthly_income" not in extract_facts(text, REGION, slot="monthly_income")


@pytest.mark.parametrize(
    ("text", "income"),
    [
        ("JZ20261204-0008 收入改成九百", 900),
        ("2026年3月收入2000", 2000),
        ("11月份收入2000", 2000),
        ("每月15号发工资1800", 1800),
    ],
)
def test_money_next_to_a_case_number_or_date_is_still_read(text: str, income: int) -> None:
    assert extract_facts(text, REGION)["monthly_income"] == income
