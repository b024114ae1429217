"""At 「您现在在哪里」 only a place is the place (probeI W4/W26)."""

from __future__ import annotations

import pytest

from flows.urgent import is_place
from nlu.danger import said_now
from tests.nlu.conftest import REGION


@pytest.mark.parametrize(
    "text",
    [
        "沙头镇 我家在学校后面",
        "长春镇二港村五组 刘满爹屋里",
        "大碼頭街道 我自己屋企",
        "资江小区3栋5楼",
        "跳过",
        "13907371100",
    ],
)
def test_a_place_or_a_skip_is_taken(text: str) -> None:
    assert is_place(text, REGION)


@pytest.mark.parametrize(
    "text",
    [
        "俺不打啥电话 打了也不知道说啥 俺就跟你说说",
        "我不知道选哪个 我就是饿 天黑了我有点怕",
        "俺就是心里难受 没人说话",
    ],
)
def test_a_sentence_naming_no_place_is_not_the_place(text: str) -> None:
    assert not is_place(text, REGION)


@pytest.mark.parametrize(
    ("text", "now"),
    [
        ("五组刘满爹今天早上在田埂上摔了 现在躺在屋里起不来", True),
        ("他刚才喝了农药", True),
        ("前年屋里失过火 人没事", False),
        ("前天晚上家里厨房起火 房子烧了一半 人没事 现在暂住在她弟弟家", False),
    ],
)
def test_a_staff_account_tells_of_now(text: str, now: bool) -> None:
    """口述办 opens the urgent case only for danger told as now (probeI H10)."""
    assert said_now(text) is now
