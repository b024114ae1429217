"""Facts of a resident's story that the forms then do not ask again (probe D/E, 2026-12-02b):
a vehicle named in an accident, a house said to be had, a house count at the vehicles
question, 城头, a call-back number left in passing, dialect hardship."""

from __future__ import annotations

import pytest

from nlu.facts import extract_facts
from nlu.finders.identity import callback_of
from nlu.hardship import names_hardship
from nlu.normalize import normalize


@pytest.mark.parametrize(
    ("text", "vehicles"),
    [
        ("我哥上个月骑摩托车被小车撞了 腿断了 没有车 就一套房子", 0),  # the accident's, not owned
        ("我哥骑摩托车被小车撞了", None),  # nothing said of owning one: asked
        ("家里有一台摩托车", 1),
        ("有台面包车 去年出了车祸", 1),  # owned, the accident in another clause
    ],
)
def test_a_vehicle_in_an_accident_is_not_one_owned(text: str, vehicles: int | None) -> None:
    assert extract_facts(text).get("vehicles") == vehicles


@pytest.mark.parametrize(
    ("text", "slot", "houses"),
    [
        ("存款莫得 有个老房子", "deposits", 1),
        ("一间老屋", None, 1),
        ("就一套房子", None, 1),
        ("有个房子是租的", None, 0),
        ("没有房子", None, 0),
        ("有个儿子", None, None),
        ("一间 烧咗", "vehicles", 1),  # the house, typed at the vehicles question
        ("两间 都烧咗", "vehicles", None),  # two rooms may be one house: asked
    ],
)
def test_a_house_said_to_be_had_is_one(text: str, slot: str | None, houses: int | None) -> None:
    assert extract_facts(text, slot=slot).get("houses") == houses


@pytest.mark.parametrize(
    ("text", "residence"), [("城头", "urban"), ("住在城头", "urban"), ("乡头", "rural")]
)
def test_dialect_words_for_town_and_country(text: str, residence: str) -> None:
    assert extract_facts(text, slot="residence").get("residence") == residence


@pytest.mark.parametrize(
    ("text", "phone", "who"),
    [
        ("有事打我女儿电话 13907371234", "13907371234", "女儿"),
        ("你们打我儿子电话吧 他懂这些 13607371111", "13607371111", "儿子"),
        ("有事打我 13907371234", "13907371234", ""),
    ],
)
def test_a_number_left_to_call_back(text: str, phone: str, who: str) -> None:
    found = callback_of(text)
    assert found is not None and (found.phone, found.who) == (phone, who)


@pytest.mark.parametrize("text", ["13907371234", "我的电话13907371234", "有事打我女儿电话"])
def test_a_number_alone_or_no_number_is_no_call_back(text: str) -> None:
    assert callback_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "冇饭食 几日冇食嘢",
        "屋企冇米落锅",
        "火烧咗 冇地方住",
        "屋头遭火烧了 莫得住处",
        "我哋冇瓦遮头",
    ],
)
def test_dialect_hardship_is_hardship(text: str) -> None:
    assert names_hardship(normalize(text).text)


def test_no_hardship_in_everyday_dialect() -> None:
    assert not names_hardship(normalize("今日食咗饭未").text)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        # said by voice, no punctuation: the writer and those at home (probeG F7)
        ("我想申请低保我是在外面打工的家里有老婆和两个小孩老婆身体不好一个月就挣两千多块钱", 4),
        ("家里有老婆和两个小孩", 4),
        ("我家里有个老母亲和一个儿子", 3),
        ("家里有我和老伴", 2),  # the writer named: not counted twice
        ("家里有老伴和一个孙子，一共三口人", 3),
        ("家里有两个小孩在上学", None),  # one kind of person, no list: asked
        ("家里没有老婆孩子", None),
    ],
)
def test_those_at_home_listed_count_the_household_with_the_writer(
    text: str, size: int | None
) -> None:
    assert extract_facts(text).get("household_size") == size
