"""Small readers of probeI's leftovers: a wish to talk, discretion asked for, a supporter
question (flows/urgent.py, flows/policy.py)."""

from __future__ import annotations

import pytest

from flows.policy import is_supporter_question
from flows.urgent import asks_discretion, says_talk


@pytest.mark.parametrize(
    "text", ["俺就跟你说说", "我就想找人说说话", "俺就是想跟你说说话 没人说话"]
)
def test_a_wish_to_be_listened_to(text: str) -> None:
    assert says_talk(text)


@pytest.mark.parametrize("text", ["俺在新桥河镇 枫树村", "13907371100", "跳过", "说明一下情况"])
def test_no_wish_to_talk(text: str) -> None:
    assert not says_talk(text)


@pytest.mark.parametrize(
    ("text", "quiet"),
    [
        ("算了 俺刚才是瞎说哩 没事 你别叫人来了", False),
        ("我没事了 刚才说着玩的", False),
        ("算了 俺刚才是瞎说哩 没事 你别叫人来了 别让村里人知道", True),
        ("你们别声张", True),
        ("我没得事 就是随便讲讲 你莫叫人来 村里人晓得了丢人", True),
    ],
)
def test_discretion_only_when_asked(text: str, quiet: bool) -> None:
    assert asks_discretion(text) is quiet


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("我爸在外面打工 一个月三四千 这样算有赡养人吗", True),
        ("我儿子在外地 算不算赡养人", True),
        ("我爸在外面打工 一个月三四千", False),
        ("特困要什么条件", False),
    ],
)
def test_a_supporter_question(text: str, asks: bool) -> None:
    assert is_supporter_question(text) is asks
