from __future__ import annotations

from typing import Any

import pytest

from nlu.entities import extract_entities
from nlu.places import match_place
from tests.nlu.conftest import REGION


def values(text: str, kind: str, region: str | None = None) -> list[Any]:
    return [e.value for e in extract_entities(text, region) if e.entity == kind]


def test_offsets_point_into_the_typed_text() -> None:
    text = "我們家三口人，老伴癱瘓在床，一個月收入一千二"
    found = {e.entity: e for e in extract_entities(text)}
    assert found["household_size"].value == 3
    assert text[found["household_size"].start : found["household_size"].end] == "三"
    assert found["monthly_income"].value == 1200
    assert text[found["monthly_income"].start : found["monthly_income"].end] == "一千二"
    assert found["illness"].value == "瘫痪在床"
    assert text[found["illness"].start : found["illness"].end] == "癱瘓在床"


@pytest.mark.parametrize(
    ("text", "program"),
    [
        ("低保怎么申请", "dibao"),
        ("最低生活保障", "dibao"),
        ("底保怎么申请", "dibao"),  # homophone typo
        ("我想办低包", "dibao"),  # homophone typo
        ("低保條件", "dibao"),  # traditional
        ("我吃五保的", "tekun"),
        ("五宝户怎么办", "tekun"),
        ("特昆人员", "tekun"),
        ("我是五包户", "tekun"),
        ("我是低保边缘户", "dibao_edge"),
        ("临时久助", "temporary"),
        ("大病救助", "medical"),
        ("助学金", "education"),
        ("危房改造", "housing"),
        ("公益岗", "employment"),
        ("护理补贴", "disability"),
        ("事实无人抚养儿童", "child"),
    ],
)
def test_program(text: str, program: str) -> None:
    assert values(text, "program") == [program]


@pytest.mark.parametrize(
    "text", ["地方政府", "保安", "今天天气不错", "低头走路保重", "在地边干活", "买了五包烟"]
)
def test_no_program_in_unrelated_text(text: str) -> None:
    assert values(text, "program") == []


@pytest.mark.parametrize(
    ("text", "income"),
    [
        ("一年两万四", 2000),
        ("一千五", 1500),
        ("每月养老金300元", 300),
        ("一个月收入一千二", 1200),
        ("月收入八百块", 800),
        ("年收入三万六", 3000),
        ("一个月就八百来块", 800),
        ("每個月收入兩千", 2000),
        ("一年才挣3万", 2500),
        ("每月有三千收入", 3000),
        ("工资2万4一年", 2000),
        ("￥1500", 1500),
        ("一千五百元/月", 1500),
        ("看病花了不少，现在每月收入一千", 1000),
        ("药费每月花八百，工资一个月两千", 2000),
    ],
)
def test_monthly_income(text: str, income: int) -> None:
    assert values(text, "monthly_income") == [income]


@pytest.mark.parametrize(
    "text",
    [
        "住院押金要交三万",
        "手术费还差两万块",
        "存款超过两万",
        "我家三口人",
        "已经三天没吃饭了",
        "我得了癌症花了三万",
        "入院花了两万块",
    ],
)
def test_spending_and_counts_are_not_income(text: str) -> None:
    assert values(text, "monthly_income") == []


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("我们家三口人", 3),
        ("家里4个人", 4),
        ("一家五口", 5),
        ("我们两口子", 2),
        ("我一个人过", 1),
        ("屋裡六口人", 6),
        ("老伴去世了，家里只剩一个人", 1),
    ],
)
def test_household_size(text: str, size: int) -> None:
    assert values(text, "household_size") == [size]


@pytest.mark.parametrize(
    ("text", "age"),
    [("我今年七十三岁", 73), ("我七十三了", 73), ("65周岁", 65), ("年齡八十二", 82)],
)
def test_age(text: str, age: int) -> None:
    assert values(text, "age") == [age]


def test_age_limits_in_questions_are_not_ages() -> None:
    assert values("六十岁以上的都能办特困吗", "age") == []


@pytest.mark.parametrize(
    ("text", "grade"), [("二级肢体残疾", 2), ("残疾证是一级", 1), ("视力三级", 3), ("4级残疾", 4)]
)
def test_disability_grade(text: str, grade: int) -> None:
    assert values(text, "disability_grade") == [grade]


def test_identifiers() -> None:
    text = "身份证４３０９０２１９５８０３１２１２３１，电话138-1234-5678，案件jz20261123-0007"
    assert values(text, "id_number") == ["430902195803121231"]
    assert values(text, "phone") == ["13812345678"]
    assert values(text, "case_number") == ["JZ20261123-0007"]


def test_id_with_a_bad_checksum_is_not_an_id() -> None:
    assert values("身份证430902195803121232", "id_number") == []


def test_phone_must_start_13_to_19() -> None:
    assert values("12812345678", "phone") == []
    assert values("电话一三九七四五一二三六八", "phone") == ["13974512368"]


def test_illness() -> None:
    assert values("我老伴得了尿毒症", "illness") == ["尿毒症"]
    assert values("他得了白血病，还有高血压", "illness") == ["白血病", "高血压"]


def test_several_facts_from_one_answer() -> None:
    found = extract_entities("我们家三口人，老伴瘫痪在床，一个月收入一千二，我七十岁了")
    kinds = {(e.entity, e.value) for e in found}
    assert {("household_size", 3), ("monthly_income", 1200), ("age", 70)} <= kinds


def test_place_typo_tolerant() -> None:
    match = match_place("我住金华坪", REGION)
    assert match is not None
    assert (match.township, match.village) == ("大码头街道", "金花坪社区")
    assert "我住金华坪"[match.start : match.end] == "金华坪"
    assert match.fuzzy


def test_place_exact_and_township_only() -> None:
    match = match_place("大码头街道金花坪社区", REGION)
    assert match is not None and not match.fuzzy
    assert (match.start, match.end) == (0, 10)
    township = match_place("住在长春镇", REGION)
    assert township is not None and township.village is None and township.township == "长春镇"
    assert match_place("我住北京", REGION) is None


def test_place_entity_only_with_a_region() -> None:
    assert values("我住金花坪社区", "place") == []
    assert values("我住金花坪社区", "place", REGION) == ["大码头街道金花坪社区"]
