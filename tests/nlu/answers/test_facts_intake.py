"""口述办 accounts as caseworkers type them (probeC): identifiers are no money, a denied
figure is not used, a total said again is the total."""

from __future__ import annotations

from nlu.facts import extract_facts
from nlu.finders.text import prepare

REGION = "hunan-yiyang-ziyang"


def test_an_id_typed_in_groups_is_no_income() -> None:
    facts = extract_facts(
        "两个人就他一个月八百多的养老金 老伴一百来块 刘建华身份证 430902 19560315 002X "
        "电话一五八 七三七一 二二四六",
        REGION,
    )
    assert facts["monthly_income"] == 900
    assert facts["id_number"] == "43090219560315002X"
    assert facts["phone"] == "15873712246"


def test_an_id_with_dashes_is_no_deposit() -> None:
    facts = extract_facts("存款花光了 身份证430902-19801103-4010 手机 186-0737-5521", REGION)
    assert facts["deposits"] == 0
    assert facts["id_number"] == "430902198011034010"
    assert facts["phone"] == "18607375521"


def test_amounts_said_one_after_the_other_stay_amounts() -> None:
    assert "1300,1500,200" in prepare("收入1300 1500 200块").text
    assert "#" not in prepare("一个月三千 两千").text
    assert set(prepare("座机 0737-4221356").text[3:]) == {"#"}


def test_a_denied_figure_is_not_used_and_a_total_said_again_is_the_total() -> None:
    facts = extract_facts("收入不对 哪有四十多万 是他养老金八百多加老伴一百来块 一个月九百多")
    assert facts["monthly_income"] == 900


def test_the_applicant_is_named_as_staff_write_it_never_by_a_relative() -> None:
    names = {
        "二港村 符爱民 77岁 老伴叫曾冬梅七十四 符爱民身份证430902194908080025": "符爱民",
        "今天上午去二港村刘建华家走访 刘建华今年70了 老伴周桂兰68岁": "刘建华",
        "二港村7组 陈秀英 女 六十九岁 带着孙子陈浩": "陈秀英",
        "长春村 汤老倌 大名汤福生 82岁": "汤福生",
        "申请人是我妈，叫刘翠花": "刘翠花",
    }
    for text, name in names.items():
        assert extract_facts(text, REGION).get("name") == name, text
    assert "name" not in extract_facts("老伴名字叫周桂兰 记一下", REGION)
    assert "name" not in extract_facts("儿子叫罗军 二十五岁没工作", REGION)


def test_an_age_said_with_this_year_is_no_money() -> None:
    facts = extract_facts(
        "今天去刘建华家 刘建华今年70了 老伴68岁 两个人就他一个月八百多的养老金", REGION
    )
    assert facts["monthly_income"] == 800
    assert facts["ages"] == [70, 68]
