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
