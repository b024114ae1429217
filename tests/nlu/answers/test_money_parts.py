"""Several amounts in one answer, read as a person adds them: a total said replaces
the parts before it only, rent received is income, what the one typing sends home is
part of their wage, a gift at 过年 is yearly."""

from __future__ import annotations

import pytest

from nlu.answers import read_money


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a total of the parts said before it, then one more amount after it
        ("老伴退休金八百，我低保三百，这两样一个月一千一，另外儿子每月给五百", 1600),
        ("养老金两百，残疾补贴一百，加起来三百，女儿每月再给四百", 700),
        # rent received: income; rent paid: not counted
        ("门面租出去了，一年租金六千，我自己养老金一个月两百", 700),
        ("一个月工资两千，房租五百", 2000),
        # sent home by the one typing: part of the wage; sent by a son: income
        ("我在工地一个月挣四千，寄回去两千", 4000),
        ("儿子每个月寄回家两千", 2000),
        # a gift at 过年 (no period said): once a year
        ("儿子春节给两千四，平时低保一个月三百", 500),
        ("女儿每个月给五百，过年再给一千二", 600),
    ],
)
def test_several_amounts_add_up_as_said(text: str, value: int) -> None:
    assert read_money(text, "income").value == value
