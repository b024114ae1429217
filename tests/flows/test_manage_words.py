"""Which of withdraw / correct a message with a case number asks for (flows/manage.py)."""

from __future__ import annotations

import pytest

from flows.manage import named_case, wanted


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("刚才汤嫂子那个申请 JZ20261202-0001 要改一下 她儿子其实每个月给五百", "correct"),
        ("JZ20261202-0001 她儿子每个月给五百 不是三百", "correct"),
        ("JZ20261202-0001 不是4口人是3口人", "correct"),
        ("算了 汤嫂子说她不想办了 把JZ20261202-0001撤回", "withdraw"),
        ("把jz20261202-1撤了", "withdraw"),
        ("查进度 JZ20261202-0001 120023", None),
        ("JZ20261202-0001 怎么还没批", None),
        ("要改一下", None),  # no case named: too common a phrase on its own
    ],
)
def test_a_case_number_lets_the_short_words_say_it(text: str, action: str | None) -> None:
    assert wanted(text) == action


def test_the_case_number_as_typed_is_the_stored_one() -> None:
    assert named_case("把jz20261202-1撤了") == "JZ20261202-0001"
    assert named_case("JZ 20261202 - 0014 要改") == "JZ20261202-0014"
    assert named_case("没有编号") is None
