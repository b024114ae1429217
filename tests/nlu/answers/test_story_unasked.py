"""Facts of a first message read without their question (issue 15 §1): each is read as
the slot's own reader would read it, and a fact that could be wrong is left to be asked."""

from __future__ import annotations

import pytest

from nlu.facts import extract_facts


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("三个，我和两个外孙", 3),
        ("两个 我 跟 老伴", 2),
        ("四个人：我、老公、公公、婆婆", 4),
        ("仨，俺跟俺闺女，还有俺娘", 3),
        ("两个，她跟她妹妹", 2),  # staff writing of the applicant
        ("五个，我爸妈、我们两口子、一个娃", 5),  # the count, not the pair word's two
        ("三个孩子都在上学", None),  # a count of children, not a list after the count
        ("两个孩子跟老伴都靠我", None),  # the count counts the children: no separator
        ("两个，儿子都在外地打工", None),  # one person after it: not the household listed
        ("两个 我和老伴 哦还有外孙 三个", None),  # counted again: left to be asked
        ("2 我 高血压", None),  # a bare digit, an option of a list
    ],
)
def test_a_count_said_first_then_the_persons_is_the_household(text: str, size: int | None) -> None:
    assert extract_facts(text).get("household_size") == size


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("五十二，老伴五十五，儿子二十", [52, 55, 20]),  # one's own age first, then the others'
        ("68 老头子70", [68, 70]),
        ("2，老公三十岁", [30]),  # a list's option, not an age
        ("六十五，老伴有病", None),  # nobody else's age after it: left to be asked
        ("3000块，老伴60", [60]),  # money, not an age
    ],
)
def test_a_bare_age_said_before_the_others_ages_is_the_writers(
    text: str, ages: list[int] | None
) -> None:
    assert extract_facts(text).get("ages") == ages


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        # money spent is a bill, never income
        ("上个礼拜在田里摔了，送去医院，花费大约三千块", {"one_off_cost": 3000}),
        ("屋顶 漏了 请人 修 花了 一千五", {"one_off_cost": 1500}),
        ("花费一个月三百", {}),  # spent every month, on what is not said: asked
        ("这房子 盖 花了 20 年", {}),  # years, not money, past the spaces
        ("他 花了 6", {}),  # too small to be a bill said
        ("银行仲有三千蚊咋", {"deposits": 3000}),  # Cantonese 仲有: still in the bank
        ("欠银行两万", {"debt": 20000}),
    ],
)
def test_money_said_without_its_question_takes_the_role_of_its_words(
    text: str, facts: dict[str, int]
) -> None:
    keys = ("monthly_income", "medical", "one_off_cost", "deposits", "debt")
    read = extract_facts(text)
    assert {key: read[key] for key in keys if key in read} == facts


@pytest.mark.parametrize(
    ("text", "able"),
    [
        ("我有个妹妹在杭州开店，日子过得挺好", True),  # a relative away, and their means
        ("大女儿嫁到贵州了，她自己也困难", False),
        ("儿子在家种地，日子还可以", None),  # at home: of the household, not a supporter
        ("儿子在读初中，家里困难", None),  # a student of the household
        ("女儿在广州打工，老伴身体不好", None),  # the illness is another person's
        ("儿子在东莞上班。我身体不好", True),  # the next sentence is the writer's, not his
        ("日子还可以", None),  # nobody away named: the question asks
    ],
)
def test_a_relative_away_and_what_is_said_of_them_is_the_supporters_answer(
    text: str, able: bool | None
) -> None:
    assert extract_facts(text).get("supporters_able") == able


@pytest.mark.parametrize(
    ("text", "slot", "event"),
    [
        ("老伴 走了 三年了", "event", None),  # years since: not an event of the last 3 months
        ("家里失火烧了屋，都好几年了", None, None),  # the years said after it, in their clause
        ("老头子出车祸好几年了，上个月孙子又摔断了腿", None, "accident"),  # the recent one kept
        ("儿子出车祸都十几年了", "event", None),  # in the clause of the event
        ("老伴上个月走了", None, "other"),
    ],
)
def test_years_since_an_event_make_it_an_older_one(
    text: str, slot: str | None, event: str | None
) -> None:
    assert extract_facts(text, slot=slot).get("hardship_event") == event
