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
