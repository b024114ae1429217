"""probeH (2026-12-03b): money read by its role in an income answer and a correction."""

from __future__ import annotations

import pytest

from nlu.facts import extract_facts

REGION = "hunan-yiyang-ziyang"


def facts(text: str, slot: str | None = None) -> dict:
    return extract_facts(text, REGION, slot=slot)


def test_what_is_left_after_the_costs_is_the_yearly_income_never_a_deposit() -> None:
    said = facts("种了十几亩田 一年卖粮两万出头 除掉化肥农药剩个一万二", "monthly_income")
    assert said.get("monthly_income") == 1000  # 12000 a year, net
    assert "deposits" not in said


def test_a_correction_explaining_a_yearly_sum_adds_the_pension_and_keeps_the_deposit() -> None:
    said = facts(
        "不对 是五口人 还有我妈 七十六了 一个月养老金一百五 那一万二是种田一年落下的钱"
        " 不是存款 存款就三千来块"
    )
    assert said["monthly_income"] == 1150  # 12000 / 12 + 150, never 12150
    assert said["deposits"] == 3000
    assert said["household_size"] == 5


@pytest.mark.parametrize(
    ("text", "income"),
    [
        ("一年一万二 一个月就一千 再加一百五 一个月一千一百五", 1150),  # the total said
        ("收入错了 一个月哪有一万多 种田一年才落一万二 加上我妈每个月一百五", 1150),
        ("一个月两千 再加三百", 2300),
    ],
)
def test_income_said_again_with_an_added_sum(text: str, income: int) -> None:
    assert facts(text)["monthly_income"] == income


def test_a_cleaning_wage_after_the_children_at_school_is_income() -> None:
    said = facts("俺一个人拉扯俩孩子 大的十二小的八岁 都念书呢 俺在超市干保洁一个月一千八")
    assert said["monthly_income"] == 1800
    assert "education" not in said
    assert said["students"] == ["child", "child"]  # 大的 and 小的, never 10 (from 12)
    assert said["household_size"] == 3  # the mother and the two


@pytest.mark.parametrize(
    ("text", "students"),
    [
        ("娃十七上高二", 1),
        ("自己掏的钱一个月七八百娃十七上高二", 1),  # 750 before 娃 is money, not a count
        ("我儿子12 女儿8岁 都在上学", 2),
        ("两个孩子都在念书", 2),
    ],
)
def test_students_counted_by_the_persons_said(text: str, students: int) -> None:
    assert len(facts(text)["students"]) == students


def test_a_compensation_received_is_a_one_off_income_never_a_cost() -> None:
    said = facts("每个月没有收入 就是那笔赔偿款三十万 是一次性给的", "monthly_income")
    assert said["monthly_income"] == 0
    assert said["one_off_income"] == 300000
    assert "one_off_cost" not in said
    story = facts("对方保险公司赔了三十万 还了医院欠的八万和办丧事 剩下差不多十八万")
    assert story["one_off_income"] == 300000
    assert story["one_off_cost"] == 80000  # paid back: spent, owed no more
    assert "debt" not in story
    assert facts("我撞了人 要赔人家两万")["one_off_cost"] == 20000  # paying out is a cost


def test_an_age_after_a_childs_ordinal() -> None:
    said = facts("我29岁 三个孩子 大的7岁上一年级 老二4岁 老三才1岁")
    assert said["ages"] == [29, 7, 4, 1]


def test_a_death_told_as_over_is_no_danger() -> None:
    from nlu.danger import find_danger, says_mistake

    assert find_danger("我老公九月底骑电动车被货车撞了 人没救过来 想问问我这种能办低保吗") is None
    assert find_danger("他被车撞了 流了好多血") is not None  # happening now
    assert says_mistake("不用打120 人已经走了两个多月了 我就是想问问低保能不能办")


def test_a_sum_received_every_month_is_income() -> None:
    assert facts("孩子的抚恤金一个月三百 我婆婆的养老金一百五")["monthly_income"] == 450


@pytest.mark.parametrize(
    "text",
    ["我老伴去年脑溢血走了 剩我一个", "老伴前年得癌症去世了 我一个人住"],
)
def test_the_dead_are_no_members_and_their_illness_is_on_nobody(text: str) -> None:
    said = facts(text)
    assert not said.get("ill") and not said.get("illness")
    assert said["household_size"] == 1


def test_a_living_member_keeps_the_illness() -> None:
    assert facts("我爸去年走了 我妈尿毒症")["ill"] == ["parent"]
    assert facts("老伴脑溢血瘫在床上")["ill"] == ["spouse"]


STORY_08 = (
    "我叫李红梅，今年46岁，住新桥河镇。丈夫王建军48岁，前年查出肝癌。大女儿20岁在长沙读大学，"
    "小儿子14岁读初二，两个人一年学费资料费加起来六千一。婆婆78岁跟我们住，每个月养老金160。"
    "我在镇上餐馆帮厨，一个月2000。"
)


def test_a_count_of_some_members_is_not_the_household() -> None:
    assert facts(STORY_08)["household_size"] == 5  # the two children's 两个人, five ages


def test_wu_kou_ren_said_after_corrects_the_count_and_the_restaurant_is_no_residence() -> None:
    said = facts(STORY_08 + "。是五口人，我们住在村里，是农村户口")
    assert said["household_size"] == 5
    assert said["residence"] == "rural"


def test_a_sum_received_and_spent_on_the_event_is_its_cost() -> None:
    said = facts("厂里赔了三万，已经花在医院了，现在每个月没有收入", "monthly_income")
    assert said["one_off_cost"] == 30000
    assert "one_off_income" not in said


def test_persons_listed_with_ages_are_of_the_same_kin() -> None:
    said = facts("我65 老伴68 孙子10岁 孙女7岁 都在读小学")
    assert said["students"] == ["grandchild", "grandchild"]  # never 老伴


def test_the_writer_for_a_grandmother_is_her_grandchild() -> None:
    said = extract_facts(
        "我爸前几年出车祸没了 我妈改嫁走了不管我 现在我跟奶奶俩过 奶奶72了 我今年16上高一",
        REGION,
        applicant="grandmother",
    )
    assert said["ages"] == [72, 16]
    assert said["students"] == ["grandchild"]


def test_hokkien_my_husband_is_the_spouse() -> None:
    said = facts("阮翁前年中風 癱在床上 有辦一級殘疾證")
    assert said["ill"] == ["spouse"]
    assert said["disabled"] == [{"who": "spouse", "grade": 1}]


def test_where_the_in_laws_live_is_not_the_households_residence() -> None:
    assert "residence" not in facts("我婆家公公婆婆在农村 身体不好 帮不上")
    assert facts("婆婆跟我们住在农村")["residence"] == "rural"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("对着呢确认", "yes"),
        ("不改了确认无误", "yes"),
        ("不对着呢", "no"),
        ("不改了 还是要改收入", "no"),
    ],
)
def test_shaanxi_confirmations_at_the_summary(text: str, value: str) -> None:
    from nlu.answers import read_confirm

    assert read_confirm(text).value == value
