"""A complaint that tells of someone on a benefit they should not have is a 举报 (its
reporter confidential), and what is said right after it is added to it (probeG F11)."""

from __future__ import annotations

import pytest

from flows.feedback import _says_more, tells_of_tipoff


@pytest.mark.parametrize(
    ("text", "tipoff"),
    [
        ("我要投诉 俺们屯子那个低保评得老不公平了 村长他小舅子开小轿车都吃上低保了", True),
        ("隔壁老李家开着门面还领低保", True),
        ("村支书的侄子也吃低保 他家好好的", True),  # a cadre's relative
        ("窗口工作人员态度太差了 我要投诉", False),  # no benefit told of
        ("俺家老头瘫炕上了都没评上低保", False),  # one's own, no sign against anyone
        ("我儿子在外面打工 我吃低保", False),  # a tie, but no cadre
    ],
)
def test_a_benefit_with_means_or_a_cadres_tie_is_a_tipoff(text: str, tipoff: bool) -> None:
    assert tells_of_tipoff(text) is tipoff


@pytest.mark.parametrize(
    ("text", "more"),
    [
        ("俺再说一句 那个小舅子叫王大宝 你们可别说是俺说的啊", True),
        ("那个人叫王大宝", True),
        ("对了 他家还有两套房", True),
        ("你们可别说是我说的", True),
        ("查询进度", False),
        ("谢谢", False),
    ],
)
def test_more_about_what_was_filed(text: str, more: bool) -> None:
    assert _says_more(text) is more
