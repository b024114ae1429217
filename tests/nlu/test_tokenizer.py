from __future__ import annotations

import jieba

from nlu.pipeline import shared_tokenizer
from nlu.tokenizer import DomainTokenizer


def test_domain_words_stay_whole() -> None:
    tokens = shared_tokenizer().cut("我想问问低保边缘家庭和残疾人两项补贴")
    assert "低保边缘家庭" in tokens
    assert "残疾人两项补贴" in tokens


def test_region_places_are_words() -> None:
    tokens = shared_tokenizer("hunan-yiyang-ziyang").cut("我住金花坪社区")
    assert "金花坪社区" in tokens


def test_no_global_jieba_state() -> None:
    DomainTokenizer(["救助小助手专用词"])
    assert "救助小助手专用词" not in jieba.dt.FREQ


def test_whitespace_is_not_a_token() -> None:
    assert " " not in shared_tokenizer().cut("低保 怎么 办")
