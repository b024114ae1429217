"""The 身份证后6位 as residents type it in a status look-up (flows/status.py)."""

from __future__ import annotations

from flows.status import digits_meant, last6_with_case


def test_letters_for_digits_inside_a_number_are_the_digits() -> None:
    assert digits_meant("12OO23") == "120023"
    assert digits_meant("后六位 l2oo23") == "后六位 120023"


def test_letters_outside_numbers_stay() -> None:
    assert digits_meant("OK 好的") == "OK 好的"
    assert digits_meant("Ok") == "Ok"


def test_the_last6_typed_with_the_case_number() -> None:
    assert last6_with_case("查进度 JZ20261202-0001 120023") == "120023"
    assert last6_with_case("JZ20261202-1 身份证后六位12OO2X") == "12002X"
    assert last6_with_case("查进度 JZ20261202-0001") is None
    assert last6_with_case("JZ20261202-0001 电话13812345678") is None
