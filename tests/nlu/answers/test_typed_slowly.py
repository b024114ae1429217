"""Numbers typed slowly with a space inside, dialect and typing slips read as meant."""

from __future__ import annotations

import pytest

from nlu.answers import (
    read_ages,
    read_conditions,
    read_confirm,
    read_event,
    read_grade,
    read_money,
)
from nlu.finders.text import prepare


@pytest.mark.parametrize(
    ("text", "ages"),
    [("老伴 八十 二  我 七十 九", [82, 79]), ("孙女 十 四 岁", [14])],
)
def test_a_number_with_a_space_inside_is_one_number(text: str, ages: list[int]) -> None:
    assert read_ages(text, None).value == ages


def test_a_grade_typed_with_a_space_before_its_unit() -> None:
    assert read_grade("残疾证 上 是 二 级").value == 2


def test_single_numerals_with_spaces_stay_apart() -> None:
    assert "一,三" in prepare("选 一 三").text


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("1同3都有：1係老公，3係個女", "students", ["child"]),  # 粤: 同 = and, 個女 = daughter
        ("𠊎倪子读初二", "students", ["child"]),  # 客家: 倪子 = son
        ("孙子读小学三年纪", "students", ["grandchild"]),  # 年纪 after a numeral: 年级
    ],
)
def test_dialect_and_slips_read_as_meant(text: str, key: str, value: list[str]) -> None:
    reading = read_conditions(text)
    assert reading.value is not None
    assert reading.value.get(key) == value


def test_no_new_event_is_none() -> None:
    assert read_event("今年无新的变故").value == "none"


def test_just_hand_it_in_confirms() -> None:
    assert read_confirm("要得 就这样交").value == "yes"


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("周奶奶糖尿病，长期吃药，一个人住", "self"),  # staff: the applicant, by surname and title
        ("刘爹高血压，长期吃药", "self"),
        ("我奶奶高血压，长期吃药", "other"),  # the writer's grandmother
    ],
)
def test_an_elder_addressed_by_surname_is_the_applicant(text: str, who: str) -> None:
    reading = read_conditions(text)
    assert reading.value is not None
    assert reading.value.get("ill") == [who]


def test_i_dont_know_typed_with_spaces_is_unknown() -> None:
    assert read_money("没 算 过 不 晓得 好多", "medical").value == "unknown"


@pytest.mark.parametrize("text", ["系，冇错，交", "交"])
def test_hand_it_in_said_alone_confirms(text: str) -> None:
    assert read_confirm(text).value == "yes"
