"""A report about someone else read from its first message (flows/report_other.py)."""

from __future__ import annotations

import pytest

from flows.report_other import about_someone_else, told, told_before_removed


def test_the_person_and_the_situation_are_read_from_the_story() -> None:
    who, situation, other = told(
        "想反映一下 我们村汤嫂子的孙子 读初中 爸爸瘫了 屋里困难得很 学费都交不起 不晓得能不能帮下"
    )
    assert who == "汤嫂子的孙子，读初中"
    assert situation == "爸爸瘫了，屋里困难得很，学费都交不起"
    assert other


def test_the_rest_of_the_name_clause_is_the_situation() -> None:
    assert told("隔壁李奶奶一个人住，病了没人照顾")[:2] == ("隔壁李奶奶", "一个人住，病了没人照顾")


@pytest.mark.parametrize(
    "text",
    [
        "想反映一下 我们村汤嫂子的孙子 读初中 爸爸瘫了 学费都交不起",
        "我想反映个情况 隔壁王大爷一个人住 好几天没饭吃",
        "帮我家隔壁的刘奶奶反映一下 她腿断了没人管",
    ],
)
def test_a_report_about_another_household(text: str) -> None:
    assert about_someone_else(text)


@pytest.mark.parametrize(
    "text",
    [
        "想反映一下我家的情况 我老伴瘫了",  # the writer's own household
        "我想反映一下 我妈瘫在床上 没人照顾",  # the writer's own family
        "想反映一下村干部优亲厚友 低保给他亲戚",  # a complaint
        "隔壁王大爷一个人住 好几天没饭吃",  # no word of reporting: the classifier's
    ],
)
def test_not_a_report_about_someone_else(text: str) -> None:
    assert not about_someone_else(text)


def test_the_writers_own_start_is_not_part_of_the_name() -> None:
    assert told("帮我家隔壁的刘奶奶反映一下 她腿断了没人管")[0] == "隔壁的刘奶奶"


def test_no_one_in_particular_is_no_name_but_still_someone_else() -> None:
    who, _, other = told("想反映一下 我们村有个老人没人管 屋里漏雨")
    assert who is None and other


def test_a_bare_word_for_a_person_is_no_name() -> None:
    who, _, other = told("帮邻居反映一下 她家房子漏雨")
    assert who is None and other


@pytest.mark.parametrize(
    ("answer", "kept"),
    [
        ("我刚才说了噻 对门刘家的伢子 九岁", "对门刘家的伢子 九岁"),
        ("一个人 没得大人管 没得饭吃 我前面都讲过了", "一个人 没得大人管 没得饭吃"),
        ("邻居王大爷，七十多岁", "邻居王大爷，七十多岁"),
    ],
)
def test_a_word_of_having_told_it_before_is_no_part_of_the_answer(answer: str, kept: str) -> None:
    """probeI W2: "我刚才说了噻" is never stored as the name."""
    assert told_before_removed(answer) == kept


def test_a_reply_that_only_points_back_tells_no_one() -> None:
    """ "不是我 是对门的奶奶 我是想问哈…": who it is, and no situation from the question."""
    _, situation, _ = told("不是我 是对门的奶奶 我是想问哈这种情况哪个来管她")
    assert situation is None
