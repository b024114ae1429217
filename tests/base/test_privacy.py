"""Personal data is masked in every form it can be typed in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from base.privacy import digits_of, mask_text

PHONE = "13807371234"
ID = "430902195801011231"

CASES = [
    "电话13807371234",
    "电话 138 0737 1234 谢谢",
    "+86 138-0737-1234",
    "+8613807371234",
    "0086 13807371234",
    "１３８０７３７１２３４",
    "138.0737.1234",
    "一三八 零七三七 一二三四",
    "幺三八零七三七幺二三四",
    "手机：138－0737－1234。",
]
ID_CASES = [
    "身份证430902195801011231",
    "4309 0219 5801 0112 31",
    "430902-19580101-1231",
    "４３０９０２１９５８０１０１１２３１",
    "43090219580101123x",
]


@pytest.mark.parametrize("text", CASES)
def test_a_phone_is_masked_however_it_is_typed(text: str) -> None:
    masked = mask_text(text)
    assert "0737" not in digits_of(masked)
    assert "138****1234" in masked


@pytest.mark.parametrize("text", ID_CASES)
def test_an_id_is_masked_however_it_is_typed(text: str) -> None:
    masked = mask_text(text)
    assert "19580101" not in digits_of(masked)
    assert "4309**********" in masked


@pytest.mark.parametrize(
    "text",
    [
        "JZ20261123-0007",
        "一个月三千二",
        "2026-12-01",
        "收入1200元，3口人",
        "我今年七十二 老伴六十八",
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert mask_text(text) == text


_FULL = {str(d): chr(0xFF10 + d) for d in range(10)}
_CHINESE = dict(zip("0123456789", "零一二三四五六七八九", strict=True))


@st.composite
def typed(draw: st.DrawFn, number: str) -> str:
    """The number as a person might type it: groups, separators, full-width or Chinese digits."""
    style = draw(st.sampled_from(["ascii", "full", "chinese", "mixed"]))
    out = []
    for index, char in enumerate(number):
        if index and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from([" ", "-", "－", "\u3000", "."])))
        kind = style if style != "mixed" else draw(st.sampled_from(["ascii", "full", "chinese"]))
        if kind == "full":
            out.append(_FULL.get(char, char))
        elif kind == "chinese":
            out.append(_CHINESE.get(char, char))
        else:
            out.append(char)
    prefix = draw(st.sampled_from(["", "电话", "我的手机号是 ", "号码："]))
    suffix = draw(st.sampled_from(["", "。", " 谢谢", "，找我就行"]))
    return prefix + "".join(out) + suffix


@given(typed(PHONE))
def test_property_no_typed_phone_survives(text: str) -> None:
    assert PHONE[3:7] not in digits_of(mask_text(text))


@given(typed(ID))
def test_property_no_typed_id_survives(text: str) -> None:
    assert ID[6:14] not in digits_of(mask_text(text))
