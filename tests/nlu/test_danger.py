"""Danger to life is found in the ways people say it, and not in a denial or an idiom-free hardship."""

from __future__ import annotations

import pytest

from nlu.danger import find_danger


@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("我妈晕倒了叫不醒", "collapse", "120"),
        ("老人不想活了", "suicide", "12356"),
        ("他喝了农药", "suicide", "120"),
        ("家里着火了", "fire", "119"),
        ("隔壁王奶奶一个人住，好几天没见她出门了", "alone_unseen", "110"),
        ("我老公打我", "violence", "110"),
        ("我爸喘不上气 脸都紫了", "breathing", "120"),
        ("我媽暈倒了", "collapse", "120"),
    ],
)
def test_danger_is_found_with_its_lines(text: str, kind: str, line: str) -> None:
    danger = find_danger(text)
    assert danger is not None and kind in danger.kinds and line in danger.lines


@pytest.mark.parametrize(
    "text",
    [
        "没有生命危险，就是没钱",
        "我不是想死，就是太难了",
        "家里没米了",
        "我爸在医院，手术费交不起",
        "",
        "你好",
    ],
)
def test_no_danger_in_hardship_or_a_denial(text: str) -> None:
    assert find_danger(text) is None


def test_despair_gets_the_psychological_line_with_the_emergency_ones() -> None:
    danger = find_danger("活着没意思，想一了百了")
    assert danger is not None and danger.despair
    assert danger.lines[:2] == ("120", "110") and "12356" in danger.lines
