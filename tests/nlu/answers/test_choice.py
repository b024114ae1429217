"""Choosing: a word inside a negation never selects its choice."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.answers import (
    Choice,
    read_choice,
    read_choices,
    read_event,
    read_residence,
    read_supporters,
)

RESIDENCE = (
    Choice("urban", "城镇", ("城里", "城区", "街上")),
    Choice("rural", "农村", ("乡下", "村里", "乡里")),
)
VEHICLES = (
    Choice("motorbike", "摩托车", ("摩托",)),
    Choice("car", "汽车", ("小车", "轿车")),
    Choice("truck", "货车", ("卡车",)),
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("农村", "rural"), ("住在村里，农村户口", "rural"), ("我们是城里的", "urban"), ("不是农村的", "urban"),
        ("不是农村的，我爸住在城区", "urban"), ("街上的 不是乡里", "urban"), ("/rural", "rural"), ("2", "rural"),
        ("城镇", "urban"),
    ],
)  # fmt: skip
def test_read_choice(text: str, value: str) -> None:
    assert (
        read_choice(text, RESIDENCE, payload=text if text.startswith("/") else None).value == value
    )


def test_negating_one_of_three_chooses_none() -> None:
    assert read_choice("不是摩托车", VEHICLES).value is None


def test_two_named_is_no_choice() -> None:
    assert read_choice("城里和乡下都住过", RESIDENCE).value is None


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("没有摩托车也没有汽车", []), ("都没有", []), ("没有", []), ("有摩托车和小车", ["motorbike", "car"]),
        ("没有汽车，有个摩托", ["motorbike"]), ("1,3", ["motorbike", "truck"]), ("天气不错", None),
    ],
)  # fmt: skip
def test_read_choices(text: str, values: list[str] | None) -> None:
    assert read_choices(text, VEHICLES).value == values


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("乡里头的", "rural"), ("嗯我们那个就是乡下农村的种田的", "rural"), ("就是在城里租房子住那个算城镇吧", "urban"),
        ("住在鄉下", "rural"), ("老人说住在社区里，属城镇", "urban"), ("我在城里打工，家在农村", "rural"),
        ("在城里租房子住，户口在农村", "rural"), ("镇里", "urban"),
    ],
)  # fmt: skip
def test_residence(text: str, value: str) -> None:
    assert read_residence(text).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("儿子在外面打工 自己都顾不上", False), ("没有 儿子不在了", False), ("女儿在城里上班 条件还可以", True),
        ("我哥在深圳，他收入还行，就是一直不管我爸", True), ("嗯那个我还有个兄弟但是他也是打工的自己家都养不活", False),
        ("俺闺女家里有钱 能帮衬", True), ("老人有二子，均外出务工，收入低，无赡养能力", False), ("不知道", "unknown"),
        ("有个儿子在广东打工，他自己都难", False), ("有", True), ("没有", False),
    ],
)  # fmt: skip
def test_supporters(text: str, value: object) -> None:
    assert read_supporters(text).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("没有", "none"), ("沒有", "none"), ("没有什么变故就是一直都这样", "none"), ("房子着火了 烧了", "fire"),
        ("上个月发大水，房子被淹了", "disaster"), ("屋里遭水淹了 莫得啥子了", "disaster"), ("老头子突然得病住院了", "sudden_illness"),
        ("嗯那个我在工地上出了车祸腿断了住院花了三万", "accident"), ("老人说儿子被人骗了十万", "other"),
        ("没有着火，就是老伴住院了", "sudden_illness"),
    ],
)  # fmt: skip
def test_event(text: str, value: str) -> None:
    assert read_event(text).value == value


def test_an_event_keeps_its_one_off_cost() -> None:
    reading = read_event("我爸上个月突然中风住院，花了四万多", applicant="father")
    assert reading.value == "sudden_illness"
    assert reading.facts["one_off_cost"] == 40000
    assert reading.facts["ill"] == ["self"]
    assert "one_off_cost" not in read_event("没有").facts  # "没有" is no event, not a 0 bill
    assert "one_off_cost" not in read_event("老人说儿子被人骗了十万").facts  # money lost is no bill


CONDITIONS = (
    Choice("serious", "重病", ("癌", "尿毒症", "瘫痪", "生病")),
    Choice("disability", "残疾", ("残疾证", "残疾人")),
    Choice("student", "上学", ("读书", "上大学")),
    Choice("unemployed", "失业", ("下岗",)),
)


def test_a_negated_condition_choice_is_never_selected() -> None:
    assert read_choices("么得残疾的", CONDITIONS).value == []
    assert read_choices("家里没谁生病", CONDITIONS).value == []
    assert read_choices("没人生病，孩子在读书", CONDITIONS).value == ["student"]


_NEGATIONS = [
    "没有{}",
    "没{}",
    "么得{}",
    "冇得{}的",
    "不是{}",
    "无{}",
    "没有人{}",
    "{}没有",
    "{}都没有",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([(c, w) for c in (*CONDITIONS, *VEHICLES) for w in (c.title, *c.words)]),
    st.sampled_from(_NEGATIONS),
    st.sampled_from(["", "我家", "家里", "嗯那个", "俺们"]),
)
def test_a_choice_word_inside_a_negation_never_selects_it(
    choice_word, pattern: str, lead: str
) -> None:
    choice, word = choice_word
    text = lead + pattern.format(word)
    options = CONDITIONS if choice in CONDITIONS else VEHICLES
    assert read_choice(text, options).value != choice.value
    assert choice.value not in (read_choices(text, options).value or [])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("前年房子被水淹过，最近没什么", "none"),
        ("去年老伴去世了", None),  # older than three months: no event of the question
        ("上个月老伴病故了", "other"),
        ("去年着火烧了猪栏，上个月又出了车祸", "accident"),
    ],
)
def test_only_a_recent_event_is_the_event(text: str, value: str | None) -> None:
    assert read_event(text).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("儿子在外务工，具备一定赡养能力", True),
        ("儿子不具备赡养能力", False),
        ("有个弟弟，不过他过得也很辛苦", False),
        ("孙子还在读书，没有其他人了", False),
    ],
)
def test_supporters_by_meaning(text: str, value: bool) -> None:
    assert read_supporters(text).value is value


def test_a_fire_said_with_an_aspect_marker() -> None:
    assert read_event("上个月家里着了火").value == "fire"


def test_a_roof_blown_away_is_a_disaster() -> None:
    assert read_event("前天屋顶被风刮跑了").value == "disaster"
