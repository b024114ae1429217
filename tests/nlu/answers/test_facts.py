"""THE fact extractor: every fact of a message, whatever was asked."""

from __future__ import annotations

import pytest

from nlu.answers import Range
from nlu.answers.reading import fact_json
from nlu.facts import extract_facts

REGION = "hunan-yiyang-ziyang"


def test_facts_in_any_order() -> None:
    facts = extract_facts("我们家四口人，我52，老伴50，两个孩子上大学，一个月收入三千")
    assert facts == {
        "household_size": 4,
        "ages": [52, 50],
        "students": ["child", "child"],
        "monthly_income": 3000,
    }


def test_a_story_told_by_staff_in_the_third_person() -> None:
    text = (
        "该户住张家塞乡白马山村，户主刘桂兰，今年七十二岁，老伴瘫痪在床，一家两口。"
        "每月养老金两百多，老伴每个月吃药要自己出六百左右，存款没有，欠亲戚三万，无机动车，"
        "有一栋老房子。电话一三九零七三七一二三四，低保和医疗救助都想申请。"
    )
    facts = extract_facts(text, REGION)
    assert facts["township"] == "张家塞乡" and facts["village"] == "白马山村"
    assert facts["name"] == "刘桂兰"
    assert facts["ages"] == [72]
    assert facts["ill"] == ["spouse"]
    assert facts["household_size"] == 2
    assert facts["monthly_income"] == 200
    assert facts["medical"] == 600
    assert facts["deposits"] == 0 and facts["debt"] == 30000
    assert facts["vehicles"] == 0 and facts["houses"] == 1
    assert facts["phone"] == "13907371234"
    assert facts["programs"] == ["dibao", "medical"]
    assert facts.get("residence", "rural") == "rural"


def test_facts_not_said_are_absent_never_zero() -> None:
    assert extract_facts("你好") == {}
    facts = extract_facts("老伴住院了")
    assert "medical" not in facts and "one_off_cost" not in facts and "monthly_income" not in facts


def test_a_bare_answer_counts_only_for_the_question_asked() -> None:
    assert extract_facts("没有") == {}
    assert extract_facts("没有", slot="deposits") == {"deposits": 0}
    assert extract_facts("没有", slot="vehicles") == {"vehicles": 0}
    assert extract_facts("4", slot="household_size") == {"household_size": 4}
    assert extract_facts("4") == {}
    assert extract_facts("几千块", slot="deposits") == {
        "deposits": Range(1000, 9000),
        "approx": {"deposits": "range"},  # how the amount was approximated, for the summary
    }


def test_one_slots_answer_is_never_filed_into_another() -> None:
    assert "monthly_income" not in extract_facts("一个月八百多", slot="medical")
    assert extract_facts("一个月八百多", slot="medical")["medical"] == 800
    assert "deposits" not in extract_facts("1套", slot="deposits")
    assert extract_facts("1套", slot="deposits")["houses"] == 1
    assert "vehicles" not in extract_facts("汽车路街道文昌阁社区", REGION)


def test_money_denied_is_not_an_illness_denied() -> None:
    assert "ill" not in extract_facts("存款一分钱都没有")


def test_a_program_refused_is_no_income_of_0() -> None:
    # "不要低保" refuses the program; "没有低保" (not on it) says nothing of the other
    # income either — never a 0 read from an unanswered question (replayL 17: "咋没说低保")
    assert extract_facts("不对 我要申请特困 不要低保") == {"programs": ["tekun"]}
    assert "monthly_income" not in extract_facts("不申请低保了")
    assert "monthly_income" not in extract_facts("没有低保")
    assert extract_facts("没有低保 也没有别的收入")["monthly_income"] == 0


def test_a_negated_program_is_not_asked_for() -> None:
    assert extract_facts("低保不要，想申请临时救助")["programs"] == ["temporary"]


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        # a weak event word is an event in a story only when said to be recent
        ("上个月老伴病故，办丧事花了一万", {"hardship_event": "other", "one_off_cost": 10000}),
        ("前几天突然晕倒了", {"hardship_event": "sudden_illness"}),
        ("其子工厂倒闭，突然失去工作", {"hardship_event": "other"}),
        # medicine is a medical cost, not income
        ("降压药一个月两百", {"medical": 200}),
        ("有一台机车", {"vehicles": 1}),
    ],
)
def test_a_story_by_meaning(text: str, facts: dict) -> None:
    story = extract_facts(text)
    for key, value in facts.items():
        assert fact_json(story.get(key)) == value
    assert "monthly_income" not in story


def test_an_old_weak_event_is_no_event_in_a_story() -> None:
    assert "hardship_event" not in extract_facts("老伴骨折好几年了")


def test_a_fires_loss_and_the_events_cost_are_the_one_off_cost() -> None:
    assert extract_facts("火灾损失大概五万")["one_off_cost"] == 50000
    assert extract_facts("这次变故的花销改成50000") == {"one_off_cost": 50000}


def test_an_amount_before_a_new_clause_with_no_is_not_below_it() -> None:
    # "寄五百没有存款": 500 sent, no deposits; "五百都没有" is below 500
    facts = extract_facts("每个月就一百多块养老金我每个月给她寄五百没有存款")
    assert facts["monthly_income"] == 600 and facts["deposits"] == 0
    assert extract_facts("一个月五百都没有", slot="monthly_income")["monthly_income"] == Range(
        0, 500
    )


def test_an_average_said_after_the_lows_and_highs_is_the_figure() -> None:
    text = "不对 收入不固定 少的时候一千多 多的时候三千 平均也就一千五"
    assert extract_facts(text)["monthly_income"] == 1500


def test_a_members_age_after_a_correction_is_no_money() -> None:
    # "三千多 还有我哥其实46了": deposits about 3000, not 3046
    assert extract_facts("存款不对 是三千多 还有我哥其实46了 我记错了")["deposits"] == 3000


def test_an_amount_for_each_of_two_counts_twice() -> None:
    assert extract_facts("我跟老伴每人每月有一百五的养老金")["monthly_income"] == 300
    assert extract_facts("每月有一百五的养老金")["monthly_income"] == 150
