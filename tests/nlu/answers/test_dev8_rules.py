"""Rules added for the dev8 answers (issue 14), each tested on phrasing written here."""

from __future__ import annotations

import pytest

from nlu.answers import (
    UNKNOWN,
    read_assets_count,
    read_conditions,
    read_confirm,
    read_consent,
    read_count,
    read_event,
    read_money,
    read_name,
    read_supporters,
)
from nlu.facts import extract_facts

REGION = "hunan-yiyang-ziyang"


# -- a number in the right role --------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "cost"),
    [
        ("我爸上礼拜住院了五天，自己花了六千多", 6000),  # 住院了五天: how long, not per day
        ("住院12天，自付约两千四百元", 2400),
    ],
)
def test_a_stay_in_hospital_is_no_period(text: str, cost: int) -> None:
    reading = read_event(text, region=REGION)
    assert reading.facts.get("one_off_cost") == cost
    assert "medical" not in reading.facts


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("摩托车那一项要改，我们有一台摩托车", 1),  # the form's line, then the one owned
        ("汽车那边写错了 家里一辆汽车都没有", 0),
        ("没有 啥 车 都 没有", 0),  # "什么,车": typed with spaces
    ],
)
def test_a_vehicle_named_as_the_forms_line_is_not_counted(text: str, count: int) -> None:
    assert read_assets_count(text, "vehicles", region=REGION).value == count


@pytest.mark.parametrize(
    "text",
    [
        "我 也 说 不 准  打零工 的 钱 有 一 阵 没 一 阵",
        "不知道多少 打零工挣的钱 有 一 阵 没 一 阵",  # not joined: "有,一,阵,没,一,阵"
        "不知道多少，收废品的钱有一天没一天",
    ],
)
def test_money_that_comes_and_goes_is_unknown_not_zero(text: str) -> None:
    assert read_money(text, "income", region=REGION).value == UNKNOWN


# -- a message typed word by word ------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("就 我 一 个", {"household_size": 1}),
        ("我 就 一个 人  木 啥 病", {"household_size": 1, "ill": []}),
        ("没有 残疾证  也 没有 念书 哩  我 都 八十一 了", {"disabled": [], "students": []}),
    ],
)
def test_a_message_typed_word_by_word_reads_clause_by_clause(
    text: str, facts: dict[str, object]
) -> None:
    got = extract_facts(text, REGION, slot="conditions")
    for key, value in facts.items():
        assert got.get(key) == value, (key, got)
    assert "education" not in got  # "八十一" is an age, not a school cost


def test_a_monthly_cost_typed_word_by_word() -> None:
    assert (
        read_money("我 不 咋 看 病  一个 月 二十 来 块 药 钱", "medical", region=REGION).value == 20
    )


def test_words_typed_apart_stay_apart_when_not_typed_letter_by_letter() -> None:
    assert read_count("三个 我 儿子 媳妇", region=REGION).value == 3


# -- a condition on the right member ---------------------------------------------------
@pytest.mark.parametrize(
    ("text", "applicant", "expected"),
    [
        # options listed, then said again each with its person
        (
            "1 3 4 一是我男人 三是两个娃 四是我",
            "self",
            {"ill": ["spouse"], "students": ["child", "child"], "unemployed": ["self"]},
        ),
        # a staff note: 本人 is the applicant, 他 then too; 其他 is nobody
        ("本人不承认有病，但他有精神残疾证", "self", {"disabled": [{"who": "self"}]}),
        ("除肢体残疾外无其他重病", "self", {"ill": [], "disabled": [{"who": "self"}]}),
        # not able to work at all is no unemployment
        ("失业不涉及，本人丧失劳动能力，一直没有工作", "self", {"unemployed": []}),
        ("失业没啦，我在饭店做", "self", {"unemployed": []}),  # 啦 after the negator
        # "外公才有": the condition denied before, said of another
        ("奶奶说她没有残疾证，爷爷才有", "grandmother", {"disabled": [{"who": "spouse"}]}),
        ("我没残疾，我老伴才有", "self", {"disabled": [{"who": "spouse"}]}),
        # a denial staff say is not admitted is none; the speaker's own, theirs alone
        ("本人自称没病，不承认，但有精神残疾证", "self", {"disabled": [{"who": "self"}]}),
        ("我自己没病，就是累。老公是肢体残疾，二级", "self", {"disabled": [{"who": "spouse"}]}),
        # 陕西 voice input: 额 = 我, 参计 = 残疾, 娃他妈 = the wife
        ("参计的是娃他妈 有证", "self", {"disabled": [{"who": "spouse"}]}),
        (
            "额屋里人是参计 碎女子上有儿园",
            "self",
            {"disabled": [{"who": "spouse"}], "students": ["child"]},
        ),
    ],
)
def test_conditions_on_the_right_member(
    text: str, applicant: str, expected: dict[str, list[object]]
) -> None:
    value = read_conditions(text, region=REGION, applicant=applicant).value or {}
    for key, members in expected.items():
        got = [m["who"] if isinstance(m, dict) else m for m in value.get(key, [])]
        want = [m["who"] if isinstance(m, dict) else m for m in members]
        assert sorted(map(str, got)) == sorted(map(str, want)), (key, value)
        assert key in value, (key, value)


def test_benren_is_the_speaker_when_the_message_says_wo() -> None:
    # "我" said: 本人 is the one typing, and 他 someone else
    value = read_conditions("我本人失业了，他有残疾证", region=REGION).value or {}
    assert value["unemployed"] == ["self"]
    assert [entry["who"] for entry in value["disabled"]] == ["other"]


@pytest.mark.parametrize(
    "text", ["本人自称没病，不承认，但有精神残疾证", "我自己没病，就是累。老公是肢体残疾，二级"]
)
def test_a_denial_of_one_person_says_nothing_of_the_household(text: str) -> None:
    assert "ill" not in (read_conditions(text, region=REGION).value or {})


def test_a_taiwanese_house_counts() -> None:
    assert read_assets_count("住的厝是我们自己的，就一间", "houses", region=REGION).value == 1


# -- consents and the summary ----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "applicant", "value"),
    [
        ("查 吧  我 卡 上 就 三百 块", "self", "agree"),  # a plain "check", then how little
        ("查呗 我那存折上也没几个子儿", "self", "agree"),
        ("可以查，我存折上就剩一千块，么啥怕的", "self", "agree"),
        ("奶奶说可以查 她就一张卡", "grandmother", "agree"),  # the applicant says it
        # never agreed: asked, limited, someone else, a doubt after it
        ("查吧，我卡上就几百块吗", "self", "unsure"),
        ("查吧，卡上就几百块，但是我儿子的别查", "self", "unsure"),
        ("我儿子说可以查，他就一张卡", "self", "unsure"),
        ("可以查，存折上就几百块，我再想想", "self", "unsure"),
        ("查什么查，我就几百块", "self", "unsure"),
        ("查吧，卡上就几百块不是我的", "self", "unsure"),  # a negator in the little said
        ("查吧，我存折上就几百块还有我儿子的卡", "self", "unsure"),  # someone else's too
        # 她说 after 外婆说: the one who spoke before
        ("会查我妈的卡吗？奶奶说我妈不一定愿意，她说先不同意", "grandmother", "refuse"),
    ],
)
def test_consent_of_a_plain_check_and_little_to_find(text: str, applicant: str, value: str) -> None:
    assert read_consent(text, region=REGION, applicant=applicant).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("对着哩 提焦", "yes"),  # 陕西 "that's right", 提交 by voice
        ("对着呢 就是名字不对", "no"),
        ("算咧 不办咧", "cancel"),  # 咧 is 了
        ("不整了 太麻烦", "cancel"),
        ("拉倒吧 你们写错了", "no"),
    ],
)
def test_summary_words_of_the_northwest(text: str, value: str) -> None:
    assert read_confirm(text, region=REGION).value == value


# -- facts lost ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("一要费一个月八百 报了以后的", "medical", 800),  # voice input of 医药费
        ("我的药一个月两百，老伴的胰岛素一百", "medical", 300),  # 胰岛素 is a medicine
        ("养老钱一百二，卖菜一个月一百", "monthly_income", 220),  # 养老钱 is the pension
        ("俺五十 俺儿二十 俺娘七十五", "ages", [50, 20, 75]),  # 俺儿: my son
    ],
)
def test_facts_said_in_other_words(text: str, key: str, value: object) -> None:
    assert extract_facts(text, REGION).get(key) == value


def test_a_relative_who_finds_it_hard_cannot_support() -> None:
    text = "我哥在深圳上班，自己租房也挺难的，也没啥钱"
    assert read_supporters(text, region=REGION).value is False


@pytest.mark.parametrize(
    ("text", "applicant", "name"),
    [
        ("写我爷爷的名字 张德贵 我是他孙子张小龙", "grandfather", "张德贵"),
        ("我是她外孙女刘小雨", "grandmother", None),  # only the writer's own: ask again
        ("我叫王小明", "self", "王小明"),
    ],
)
def test_the_writers_own_name_is_not_the_applicants(
    text: str, applicant: str, name: str | None
) -> None:
    assert read_name(text, region=REGION, applicant=applicant).value == name


@pytest.mark.parametrize("text", ["前 年 摔 过 一 回  这 仨 月 没 啥", "去年住过院，这3个月没什么"])
def test_nothing_in_these_three_months_is_no_event(text: str) -> None:
    assert read_event(text, region=REGION).value == "none"


def test_a_name_in_a_correction_typed_word_by_word() -> None:
    facts = read_confirm("名字 不 对  是 李铁柱  柱 子 的 柱", region=REGION).facts
    assert facts.get("name") == "李铁柱"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1和2，老伴和女儿", {"ill": ["spouse"], "disabled": ["child"]}),  # respectively
        ("1同2 我老公同我儿子", {"ill": ["spouse"], "disabled": ["child"]}),
        ("1和2 老伴和女儿都有", {"ill": ["spouse", "child"], "disabled": ["spouse", "child"]}),
        ("三个孙子女都在读书", {"students": ["grandchild"] * 3}),
    ],
)
def test_options_joined_and_persons_joined(text: str, expected: dict[str, list[str]]) -> None:
    value = read_conditions(text, region=REGION).value or {}
    for key, members in expected.items():
        got = [m["who"] if isinstance(m, dict) else m for m in value.get(key, [])]
        assert sorted(got) == sorted(members), (key, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("承诺什么？我不识字，不敢乱签", "unsure"),
        ("不敢签，我看不懂", "unsure"),
        ("不签", "refuse"),
    ],
)
def test_not_daring_to_sign_is_a_hesitation_not_a_refusal(text: str, value: str) -> None:
    assert read_consent(text, region=REGION).value == value
