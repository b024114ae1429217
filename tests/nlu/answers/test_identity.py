"""Phones, 身份证号 and names as people type and say them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.answers import read_id_number, read_name, read_phone
from nlu.validators import id_check_char

_CN = "零一二三四五六七八九"


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("老人电话13907371234", "13907371234"), ("一五八 二二三四 五六七八", "15822345678"),
        ("一三八七三七二五六九零", "13873725690"), ("159-7370-1288", "15973701288"), ("+86 138 7371 0066", "13873710066"),
        ("打我的吧，18907376655", "18907376655"), ("嗯那个一三七 零七三七 八八九九", "13707378899"),
        ("我的电话是幺八六七三七零二三四五", "18673702345"), ("電話：１３５７３７１２３４５", "13573712345"),
        ("0086 13812345678", "13812345678"), ("幺伍玖 叁柒叁柒 捌捌壹貳", "15937378812"), ("老人无手机，留女儿电话15007379900", "15007379900"),
    ],
)  # fmt: skip
def test_phone(text: str, phone: str) -> None:
    assert read_phone(text).value == phone


@pytest.mark.parametrize("text", ["没有手机", "1381234567", "12812345678", "138123456789"])
def test_not_a_phone(text: str) -> None:
    assert read_phone(text).value is None


def _id(body: str) -> str:
    return body + id_check_char(body)


_ID_BODY = st.builds(
    lambda area, year, month, day, seq: f"{area}{year:04d}{month:02d}{day:02d}{seq:03d}",
    st.sampled_from(["430902", "430903", "110101"]),
    st.integers(1930, 2020),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
)


def _say(digits: str, style: int) -> str:
    if style == 0:
        return digits
    if style == 1:  # groups with spaces
        return f"{digits[:6]} {digits[6:14]} {digits[14:]}"
    if style == 2:  # read out in Chinese, X as 叉
        return "".join(_CN[int(c)] if c.isdigit() else "叉" for c in digits)
    if style == 3:  # full-width
        return "".join(chr(ord(c) + 0xFEE0) for c in digits)
    return "身份证号是" + digits.lower()


@settings(max_examples=300, deadline=None)
@given(_ID_BODY, st.integers(0, 4))
def test_a_valid_id_is_read_back_however_it_is_typed(body: str, style: int) -> None:
    number = _id(body)
    assert read_id_number(_say(number, style)).value == number


@settings(max_examples=200, deadline=None)
@given(_ID_BODY)
def test_an_id_whose_check_character_is_wrong_is_refused(body: str) -> None:
    right = id_check_char(body)
    wrong = next(c for c in "0123456789X" if c != right)
    reading = read_id_number(body + wrong)
    assert reading.value is None
    assert reading.problem and "校验" in reading.problem


@settings(max_examples=300, deadline=None)
@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9), st.integers(0, 3))
def test_a_phone_is_read_back_however_it_is_typed(second: str, rest: str, style: int) -> None:
    number = "1" + second + rest
    typed = [
        number,
        f"{number[:3]}-{number[3:7]}-{number[7:]}",
        "".join(_CN[int(c)] for c in number),
        f"+86 {number}",
    ]
    assert read_phone(typed[style]).value == number


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("李四", "李四"), ("卫三百", "卫三百"), ("王二", "王二"), ("我叫张桂英", "张桂英"), ("刘 秀 兰", "刘秀兰"),
        ("我爸叫周建国", "周建国"), ("申请人是我爸，王德福", "王德福"), ("嗯我叫那个陈大勇耳东陈大小的大勇敢的勇", "陈大勇"),
        ("就是王二嘛王是三横一竖那个王", "王二"), ("申請人叫李文才", "李文才"), ("俺叫赵铁柱", "赵铁柱"), ("老人叫刘德华", "刘德华"),
        ("申请人为胡春花", "胡春花"), ("申请人是我妈，叫刘翠花", "刘翠花"), ("欧阳娜娜", "欧阳娜娜"), ("黄金花", "黄金花"),
    ],
)  # fmt: skip
def test_name(text: str, name: str) -> None:
    assert read_name(text).value == name


@pytest.mark.parametrize(
    ("text", "hint"), [("王大爷", "王大爷"), ("老王", "老王"), ("叫我小李就行", "小李")]
)
def test_a_title_is_a_hint_not_a_name(text: str, hint: str) -> None:
    reading = read_name(text)
    assert reading.value is None
    assert reading.facts["name_hint"] == hint


def test_a_negated_name_is_not_the_name() -> None:
    assert read_name("名字写错了，我爸叫周建国，不是周建华").value == "周建国"


@pytest.mark.parametrize(
    "text", ["你好", "您好", "谢谢", "在吗", "好的", "晓得了", "干嘛", "冇得", "不知道啊"]
)
def test_small_talk_at_the_name_question_is_not_a_name(text: str) -> None:
    assert read_name(text).value is None


@pytest.mark.parametrize("text", ["卫三百", "欧阳娜娜", "邝美云", "佘太君"])
def test_a_whole_answer_with_a_rare_surname_is_still_a_name(text: str) -> None:
    assert read_name(text).value == text
