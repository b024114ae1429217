from __future__ import annotations

import pytest

from nlu.answers import read_place

REGION = "hunan-yiyang-ziyang"


@pytest.mark.parametrize(
    ("text", "township", "village"),
    [
        ("长春镇二港村", "长春镇", "二港村"), ("张家赛白马山", "张家塞乡", "白马山村"), ("金华坪", "大码头街道", "金花坪社区"),
        ("户口在沙头镇沙头村", "沙头镇", "沙头村"), ("新桥河镇紫薇村，不过人住在城里", "新桥河镇", "紫薇村"),
        ("汽車路街道人民路社區", "汽车路街道", "人民路社区"), ("俺户口在新桥河 新桥河村", "新桥河镇", "新桥河村"),
        ("户口是新桥河镇紫薇村的，不是新桥河村", "新桥河镇", "紫薇村"), ("长春镇", "长春镇", None),
    ],
)  # fmt: skip
def test_place(text: str, township: str, village: str | None) -> None:
    reading = read_place(text, REGION)
    assert (reading.value.township, reading.value.village) == (township, village)
    assert reading.sure == (village is not None)


def test_no_place() -> None:
    assert read_place("不知道", REGION).value is None
