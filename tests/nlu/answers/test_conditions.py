"""The household per member: a negated condition is never set."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.answers import read_conditions

NONE = {"ill": [], "disabled": [], "students": [], "unemployed": []}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("都没有", NONE), ("没有", NONE), ("没有没有都没有都好好的", NONE), ("该户无重病、残疾、在校生及失业人员", NONE),
        ("我有高血压 别的都没有", NONE), ("家里没谁生病", {"ill": []}), ("么得残疾的 也冇得病人", {"ill": [], "disabled": []}),
        ("家裡沒有人生病，也沒有殘疾", {"ill": [], "disabled": []}), ("我爸就是有点糖尿病，没有别的大病", {"ill": []}),
        ("老头子中风 瘫再床上", {"ill": ["spouse"]}), ("儿子得了尿毒症 每个星期要透析", {"ill": ["child"]}),
        ("我先生洗腎好多年了，是尿毒症", {"ill": ["spouse"]}), ("我眼睛看不见 有残疾证", {"disabled": [{"who": "self", "kind": "visual"}]}),
        ("户主患尿毒症，其子为一级肢体残疾", {"ill": ["self"], "disabled": [{"who": "child", "grade": 1, "kind": "physical"}]}),
        ("嗯那个我老婆她是那个白血病现在在长沙住院然后我两个小孩都在读书", {"ill": ["spouse"], "students": ["child", "child"]}),
        ("我那个厂子倒闭了我就失业了嗯我老婆也找不到工作", {"unemployed": ["self", "spouse"]}),
        ("那个就是我儿子在读高中女儿读大学没有人生病", {"ill": [], "students": ["child", "child"]}),
        ("没有人生病儿子在读高中", {"ill": [], "students": ["child"]}),  # a new person ends the negation
        ("屋里莫得人读书 就是我冇得事做", {"students": [], "unemployed": ["self"]}),
        ("俺家老头子瘫了好几年咯 孙女在念书", {"ill": ["spouse"], "students": ["grandchild"]}),
        ("两个儿子都是残疾", {"disabled": [{"who": "child"}, {"who": "child"}]}),
        ("老两口都有病，老伴是癌症，我是尿毒症", {"ill": ["spouse", "self"]}),
        ("老人说老伴得了胃癌，孙子在读小学", {"ill": ["spouse"], "students": ["grandchild"]}),
    ],
)  # fmt: skip
def test_conditions(text: str, value: dict) -> None:
    assert read_conditions(text).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我爸去年查出肺癌，现在在化疗", {"ill": ["self"]}),
        (
            "我妈是二级肢体残疾，我爸身体还行",
            {"disabled": [{"who": "spouse", "grade": 2, "kind": "physical"}]},
        ),
        ("没有重病的，也没有残疾，我在上大学", {"ill": [], "disabled": [], "students": ["child"]}),
        ("我爸脑梗以后半身不遂，我弟弟失业在家", {"ill": ["self"], "unemployed": ["child"]}),
        (
            "我哥是智力残疾，三级的",
            {"disabled": [{"who": "child", "grade": 3, "kind": "intellectual"}]},
        ),
    ],
)
def test_a_child_typing_for_a_parent(text: str, value: dict) -> None:
    assert read_conditions(text, applicant="father").value == value


def test_without_the_hint_the_father_is_a_parent() -> None:
    assert read_conditions("我爸去年查出肺癌").value == {"ill": ["parent"]}


_CONDITIONS = ["残疾", "瘫痪", "尿毒症", "癌症", "上学", "读大学", "失业", "白血病"]
_NEGATED = [
    "没有{}",
    "没{}",
    "么得{}的",
    "冇得{}",
    "无{}",
    "{}没有",
    "不是{}",
    "没有人{}",
    "家里没谁{}",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_CONDITIONS),
    st.sampled_from(_NEGATED),
    st.sampled_from(["", "我", "老伴", "家里", "我们家"]),
)
def test_a_negated_condition_is_never_set(term: str, pattern: str, subject: str) -> None:
    value = read_conditions(subject + pattern.format(term)).value or {}
    for kind in ("ill", "disabled", "students", "unemployed"):
        assert value.get(kind, []) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # step- and in-law relatives are household members of their generation
        ("继女在读初二", {"students": ["child"]}),
        ("家婆中风在床", {"ill": ["parent"]}),
        ("儿媳妇下岗了", {"unemployed": ["child"]}),
        # a pronoun after a person named in another clause is that person
        ("我在家带孩子，老公呢，他是癌症", {"ill": ["spouse"]}),
        ("我辞了工作，回来照顾老伴，她是重病", {"unemployed": ["self"], "ill": ["spouse"]}),
        # a count said after the noun
        ("孙子三个都在念书", {"students": ["grandchild", "grandchild", "grandchild"]}),
        # 重病 said of a named person sets it; said of nobody it does not
        ("生大病的是我婆婆", {"ill": ["parent"]}),
        ("重病", None),
        # an illness that is over is none
        ("老伴前几年得过肠癌，做了手术，现在好了", {"ill": []}),
        ("我去年住过院，医生说没事了，孙女读小学", {"ill": [], "students": ["grandchild"]}),
        # once out of work is not out of work now
        ("老公以前下岗过，现在在厂里上班", {}),
        # a relative who lives elsewhere is not read
        ("我女儿失业了，不过她不跟我们住", {}),
        ("老伴瘫痪，弟弟也失业，但他不住在一起", {"ill": ["spouse"]}),
        # 随 makes the person after it no subject
        ("侄子随户主生活，在读高中", {"students": ["other"]}),
        # a grade two short clauses after the disability
        ("我 残疾 视力 二级", {"disabled": [{"who": "self", "grade": 2, "kind": "visual"}]}),
        # "others are fine" denies what is not said
        ("他们都没事，就是我瘫了", NONE | {"ill": ["self"]}),
    ],
)
def test_members_by_meaning(text: str, value: dict | None) -> None:
    assert read_conditions(text).value == (value or None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我和我妹都在读书，我读高三她读初一", {"students": ["child", "child"]}),
        ("我外甥在读小学，跟我爸住", {"students": ["grandchild"]}),
        ("我和我弟都在读书，我读高三他读初一", {"students": ["child", "child"]}),
    ],
)
def test_a_child_typing_names_her_own_relatives(text: str, value: dict) -> None:
    assert read_conditions(text, applicant="father").value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我女儿的孩子在读小学", {"students": ["grandchild"]}),
        ("老伴的妈妈瘫在床上", {"ill": ["parent"]}),
        ("我弟的儿子在上学", {"students": ["other"]}),
        ("儿子女儿都在上学", {"students": ["child", "child"]}),  # a list, not composed
    ],
)
def test_a_relative_of_a_relative(text: str, value: dict) -> None:
    assert read_conditions(text).value == value


def test_the_family_all_healthy_denies_what_is_not_said() -> None:
    assert read_conditions("家里人都健康，孩子读高二").value == NONE | {"students": ["child"]}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我姑娘在读研究生", {"students": ["child"]}),  # 姑娘 is a daughter, not 娘
        ("两个细伢子都在读书", {"students": ["child", "child"]}),
    ],
)
def test_dialect_children(text: str, value: dict) -> None:
    assert read_conditions(text).value == value
