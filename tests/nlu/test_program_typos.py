"""Homophone and look-alike typos name the right program, for every program in the
catalog — including typos that are everyday characters (救 typed 求 or 就, 保 typed
包 or 报) — and everyday words with those characters name none."""

from __future__ import annotations

import pytest

from nlu.entities import extract_entities
from policies.catalog import load_catalog

TYPOS = {
    "dibao": ["低包", "底保", "低报", "吃低包", "申请低报", "低保"],
    "tekun": ["五包", "五包户", "武保", "特捆", "特因人员", "吃五包"],
    "dibao_edge": ["低包边缘", "低保边原", "底保边缘户", "低保编缘家庭"],
    "temporary": ["零时救助", "临时求助", "临时就助", "零时求助", "临时久助"],
    "medical": ["医了救助", "医疗求助", "医疗就助", "大病求助", "一疗救助"],
    "education": ["教育求助", "教育就助", "叫育救助", "助学经"],
    "housing": ["住房求助", "住房就助", "注房救助", "危方改造"],
    "employment": ["就业求助", "救业救助", "就叶救助", "公益刚位"],
    "disability": ["残疾人两项补帖", "惨疾人两项补贴", "残急补贴", "护理补帖"],
    "child": ["孤而", "孤尔", "事实无人扶养儿童", "孤儿补帖"],
}


def programs(text: str) -> list[str]:
    return [e.value for e in extract_entities(text) if e.entity == "program"]


def test_every_catalog_program_has_typos_here() -> None:
    assert set(TYPOS) == set(load_catalog().programs)


@pytest.mark.parametrize(
    ("program", "typed"), [(p, t) for p, typed in TYPOS.items() for t in typed]
)
def test_a_typo_names_the_program(program: str, typed: str) -> None:
    assert programs(typed) == [program]
    # … in a question and in a sentence too
    assert programs(f"请问{typed}要什么条件") == [program]
    assert programs(f"我想申请{typed}，材料准备好了") == [program]


@pytest.mark.parametrize(
    "text",
    ["我要求助", "请求帮助", "就这样吧", "买了五包烟", "五包方便面", "报名", "包子",
     "报一下", "求你了", "救救我", "我想求助一下", "好了", "这个因为"],
)  # fmt: skip
def test_everyday_words_name_no_program(text: str) -> None:
    assert programs(text) == []


def test_a_longer_typo_is_not_cut_into_a_shorter_name() -> None:
    found = extract_entities("底保边缘户怎么认定")
    assert [(e.value, e.start, e.end) for e in found if e.entity == "program"] == [
        ("dibao_edge", 0, 5)
    ]
    # an exact name plus a homophone of a longer name's tail stays the exact name
    found = extract_entities("低保今年涨了吗")
    assert [(e.value, e.start, e.end) for e in found if e.entity == "program"] == [("dibao", 0, 2)]
