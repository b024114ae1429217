"""The own share of a hospital bill said after it ("住院花了三万多 报销完还要自己出一万二")
is that bill's share, a one-off sum, never a monthly medical cost (probeI H5, still
failing in the replayK re-check: 每月自付医药费 12000 and 低保 about 1254元)."""

import pytest

from nlu.facts import extract_facts


@pytest.mark.parametrize(
    "text",
    [
        "醫療就助是什麼 住院花了三萬多 報銷完還要自己出一萬二",
        "住院花了三万多，报销完还要自己出一万二",
        "住院花了三万多 报销完自己还要掏一万二",
        "住院花了三万多报销完还要自己出一万二",
        "住院用咗三萬幾 報咗之後自己要畀一萬二",
        "上个月住院花了两万多 新农合报了一部分 自己掏了一万二",
    ],
)
def test_the_own_share_of_a_stay_in_hospital_is_one_off(text: str) -> None:
    facts = extract_facts(text)
    assert facts.get("one_off_cost") == 12000
    assert "medical" not in facts


def test_a_monthly_own_share_after_a_stay_stays_monthly() -> None:
    facts = extract_facts("住院花了三万多 报销完每个月还要自己出三百")
    assert facts["medical"] == 300 and facts["one_off_cost"] == 30000
