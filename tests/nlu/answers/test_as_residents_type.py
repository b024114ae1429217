"""Answers as residents and staff type them: a consent typed letter by letter, a past
event, a stay in ICU, the letter O for a zero, "我自己没病", "有工作", 跛 in dialect."""

from __future__ import annotations

import pytest

from nlu.answers import read_conditions, read_consent, read_event, read_money, read_phone


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("同 意", "agree"),
        ("我 同 意", "agree"),
        ("查 就 查  我 屋里 冇得 钱", "agree"),
        ("查就查，冇乜个好怕", "agree"),
        ("本人同意并按了手印", "agree"),
        ("不 同 意", "refuse"),
        ("先 不 同 意", "refuse"),
        ("同 意 个 屁", "refuse"),
        ("同 意 吗", "unsure"),
        ("我 考 虑 下", "unsure"),
        ("要 问 下 儿子 肯 不肯", "unsure"),
    ],
)
def test_a_consent_typed_slowly(text: str, value: str) -> None:
    assert read_consent(text).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("涨水 淹了 菜园 那 是 半年 前 了  最近 冇得", "none"),
        ("屋后头滑坡 那是去年的事了 今年没什么", "none"),
        ("上个月着火了 去年也淹过水", "fire"),  # the older one does not hide the recent one
        ("有 上个月女儿阑尾炎开刀 花了五千多", "sudden_illness"),
        ("厂里上个月停工了 没得工资", "other"),
    ],
)
def test_the_event_of_the_last_three_months(text: str, value: str) -> None:
    assert read_event(text).value == value


def test_days_in_icu_are_how_long_not_how_often() -> None:
    reading = read_event("上个月我妈心衰进了ICU，住了10天，自费八千")
    assert reading.value == "sudden_illness"
    assert reading.facts["one_off_cost"] == 8000
    assert "medical" not in reading.facts


def test_a_daily_cost_is_still_monthly() -> None:
    assert read_money("一天要一百块的药", "medical").value == 3000


@pytest.mark.parametrize(
    ("text", "phone"),
    [("158 7376 2O91", "15873762091"), ("电话 138O7371234", "13807371234")],
)
def test_the_letter_o_typed_for_a_zero(text: str, phone: str) -> None:
    assert read_phone(text).value == phone


def test_letters_o_elsewhere_are_no_digits() -> None:
    assert read_phone("GO 2").value is None


def test_the_writer_denied_alone_when_a_relative_is_ill_in_the_same_answer() -> None:
    reading = read_conditions("我自己没病 我娘是高血压 心脏也不好 孙子读书")
    assert "ill" not in (reading.value or {})  # not "nobody": 高血压 is no 重病, and not denied
    assert reading.facts["cleared"] == {"ill": ["self"]}


def test_the_writer_denied_speaks_for_the_household_otherwise() -> None:
    value = read_conditions("我自己没失业 在厂里打工 老婆得了癌").value
    assert value == {"ill": ["spouse"], "unemployed": []}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我在深圳上班有工作的 女儿读初中", {"students": ["child"], "unemployed": []}),
        ("老公有工作 我没工作", {"unemployed": ["self"]}),
        ("没有工作", {"unemployed": ["self"]}),
    ],
)
def test_having_work_is_not_being_out_of_work(text: str, value: dict) -> None:
    assert read_conditions(text).value == value


def test_a_lame_leg_in_dialect_is_a_physical_disability() -> None:
    assert read_conditions("伢子腿是跛的").value == {
        "disabled": [{"who": "child", "kind": "physical"}]
    }


def test_deposits_spent_on_treatment_are_none() -> None:
    assert read_money("存款早花在化疗上了", "deposits").value == 0
