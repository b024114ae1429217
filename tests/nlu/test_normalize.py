from __future__ import annotations

import pytest

from nlu.normalize import normalize


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("我們家三口人", "我们家3口人"),  # 繁→简 and a numeral that counts people
        ("ＩＤ：４３０１", "ID:4301"),  # full-width letters, digits, colon
        ("低\u200b保，怎么办？", "低保,怎么办?"),  # zero-width space, Chinese punctuation
        ("  低  保   怎么 办 ", "低保怎么办"),  # spaces between Chinese characters dropped
        ("call  me   now", "call me now"),  # other runs of spaces collapsed to one
        ("一年两万四", "1年24000"),
        ("一千五", "1500"),
        ("七十多岁了", "70多岁了"),
        ("一级残疾", "1级残疾"),
        ("电话一三八一二三四五六七八", "电话13812345678"),
        ("\x07坏\x00字符", "坏字符"),  # control characters removed
        ("一个月挣三四千", "1个月挣3500"),  # a spoken range → its middle
        ("七八百块", "750块"),
        ("三四个人", "三四个人"),  # a range of people stays as typed
        ("二零二三年", "2023年"),
    ],
)
def test_normalised_text(typed: str, expected: str) -> None:
    assert normalize(typed).text == expected


@pytest.mark.parametrize(
    "typed", ["万一出事了", "我们一起去", "等一下", "五保户", "一直没人管", "第一次来"]
)
def test_numerals_that_are_not_quantities_are_kept(typed: str) -> None:
    assert normalize(typed).text == typed


def test_every_character_maps_back_to_the_original() -> None:
    typed = "我們家\u200b三口人，一個月收入一千二"
    result = normalize(typed)
    assert len(result.starts) == len(result.ends) == len(result.text)
    at = result.text.index("1200")
    assert typed[slice(*result.span(at, at + 4))] == "一千二"
    at = result.text.index("3口")
    assert typed[slice(*result.span(at, at + 2))] == "三口"
    at = result.text.index("收入")
    assert typed[slice(*result.span(at, at + 2))] == "收入"


def test_empty_and_blank_text() -> None:
    assert normalize("").text == ""
    assert normalize(" \u200b\n ").text == ""
    assert normalize("").span(0, 0) == (0, 0)


def test_a_space_between_two_chinese_numbers_keeps_them_apart() -> None:
    # "七十二 六十八" answering "how old is everyone?" is two ages, not 7,268.
    normalized = normalize("七十二 六十八")
    assert normalized.text == "72,68"
    assert normalize("三 口人").text == "3口人"  # a stray space inside one phrase still goes


def test_simplify_kept_for_short_texts_reads_as_computed_afresh() -> None:
    from nlu import normalize

    short = "我們家ＡＢ１２３，沒有收入！"
    long = short * 20  # longer than the texts kept: computed each time
    assert len(long) > normalize._KEPT_CHARS
    for text in (short, short, long):
        assert normalize.simplify(text) == normalize._simplify(text)
    assert normalize.simplify(short) == "我们家AB123,没有收入!"
