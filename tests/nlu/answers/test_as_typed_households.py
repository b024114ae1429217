"""Answers read the way residents type them (issue 14, the dev6 corpus): slow typists'
one-word clauses, numbered options with the people they are about, chronic illnesses
said with their weight, a daughter-in-law typing for her mother-in-law, consents that
settle a question asked first, and the numbers, places and counts said around them.

Each case checks the value AND that nothing else of the asked kind is read."""

from __future__ import annotations

import pytest

from base.datafiles import load_yaml
from nlu.answers import (
    UNKNOWN,
    read_ages,
    read_assets_count,
    read_conditions,
    read_confirm,
    read_consent,
    read_event,
    read_money,
    read_place,
    read_supporters,
)
from nlu.facts import extract_facts
from nlu.finders._words import words

REGION = "hunan-yiyang-ziyang"


# -- conditions: slow typing, negators after a list, asked back ------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        # 没有人 typed as a clause of its own negates the one-word clause after it
        ("没有人 残疾 没有人 失业 我 老了 种不动 田了 这个 算不算", {"disabled": [], "unemployed": []}),
        # a negator after words listed with 、 negates each of them
        ("本人盲，一级证。上学、失业都不涉及",
         {"disabled": [{"who": "self", "grade": 1, "kind": "visual"}], "students": [], "unemployed": []}),
        # the question said back, then answered; 上啥学 asked back; 谈不上
        ("上学的？没有没有，俺俩都六十多了上啥学。失业也谈不上，俺是退休的", {"students": [], "unemployed": []}),
        # 吴: 呒没 is 没有, 个 is 的, 生活 is work
        ("儿子呒没生活做，读书个呒没，残疾也呒没", {"unemployed": ["child"], "students": [], "disabled": []}),
        # a lone negator between two short clauses goes with the one after it
        ("孙子 读书 没有 残疾", {"students": ["grandchild"], "disabled": []}),
        # 别的 没有, typed with a space, denies what was not said
        ("3 孙子 读 初一  别的 没有",
         {"students": ["grandchild"], "ill": [], "disabled": [], "unemployed": []}),
        # an illness over, 好了 typed as a clause of its own
        ("我 眼睛 白内障 去年 开了刀 好了  孙子 在 读初中", {"ill": [], "students": ["grandchild"]}),
        # voice input: 残积 is 残疾, 失叶 is 失业, 浪疮 is 狼疮, 上小写 is 上小学
        ("没有失叶的 我在深圳搬砖呢 就是老婆身体不好 红斑浪疮", {"unemployed": [], "ill": ["spouse"]}),
        ("我爸那个不是病是残积 老婆才是病 狼疮 女儿上小写",
         {"disabled": [{"who": "parent"}], "ill": ["spouse"], "students": ["child"]}),
    ],
)  # fmt: skip
def test_conditions_typed_slowly_or_by_voice(text: str, value: dict) -> None:
    assert read_conditions(text, region=REGION).value == value


def test_schooling_asked_back_denies_it() -> None:
    assert read_conditions("俺俩都六十多了上啥学").value == {"students": []}


def test_a_school_asked_about_is_no_denial() -> None:
    assert read_conditions("孙子上什么学校都行，他在读初二").value == {"students": ["grandchild"]}


# -- conditions: a chronic illness said with its weight is 重病 ---------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我有 糖尿病 天天 打 胰岛素 孙子 读书 没有 残疾",
         {"ill": ["self"], "students": ["grandchild"], "disabled": []}),
        ("老头子是慢阻肺 气都喘不赢 困在床上 外孙女读初三咯", {"ill": ["spouse"], "students": ["grandchild"]}),
        ("我冇得么子病 就是老倌子 肺上的病 十几年哒 外孙女在读书 残疾的冇得",
         {"ill": ["spouse"], "students": ["grandchild"], "disabled": []}),
        ("老倌子跟我都有病 他是肺上的 我是高血压心脏病 两个都要恰药", {"ill": ["spouse", "self"]}),
        ("公公心臟不好，去年裝了支架，現在每天吃藥", {"ill": ["parent"]}),
        ("呃 我在外面打工是有工作的 老婆病了做不了事 女儿读书", {"ill": ["spouse"], "students": ["child"], "unemployed": []}),
        # softened, or said without its weight: not 重病
        ("我婆婆身体还行，就是老胃病，不碍事", None),
        ("都没有哈，就是奶奶有点高血压，天天吃药", {"ill": [], "disabled": [], "students": [], "unemployed": []}),
        ("我有高血压 别的都没有", {"ill": [], "disabled": [], "students": [], "unemployed": []}),
    ],
)  # fmt: skip
def test_a_chronic_illness_with_its_weight(text: str, value: dict | None) -> None:
    assert read_conditions(text).value == value


def test_an_unnamed_illness_of_a_member_answers_the_question_only() -> None:
    """At "有没有人患重病", "老头子生毛病" is the answer; in a story it says too little."""
    assert read_conditions("老头子生毛病").value == {"ill": ["spouse"]}
    assert "ill" not in extract_facts("老头子生毛病")


# -- conditions: the question's numbered options with the people ------------------------
@pytest.mark.parametrize(
    ("text", "applicant", "value"),
    [
        ("1 我  糖尿病   3 孙子", "self", {"ill": ["self"], "students": ["grandchild"]}),
        ("2和3都是我女兒，4是我先生，1是公公", "self",
         {"disabled": [{"who": "child"}], "students": ["child"], "unemployed": ["spouse"], "ill": ["parent"]}),
        ("1 係老公 3 係個仔 家婆冇乜嘢", "self", {"ill": ["spouse"], "students": ["child"]}),
        ("一二三都有 一是老婆 二是我爸 三是女儿", "self",
         {"ill": ["spouse"], "disabled": [{"who": "parent"}], "students": ["child"]}),
        ("2是我弟弟，1是我妈。没人上学", "mother", {"disabled": [{"who": "child"}], "ill": ["self"], "students": []}),
        # options joined, then each person with their own words: the words say who
        ("1和3 我爸脑溢血 我儿子上高中", "self", {"ill": ["parent"], "students": ["child"]}),
        # a number with a unit after it is no option
        ("老大 5 岁 在读幼儿园", "self", {"students": ["child"]}),
        ("孙子 5 岁 老伴 中风", "self", {"ill": ["spouse"]}),
    ],
)  # fmt: skip
def test_numbered_options_with_whom_they_are_about(text: str, applicant: str, value: dict) -> None:
    assert read_conditions(text, applicant=applicant).value == value


def test_the_numbered_options_are_those_the_question_shows() -> None:
    """conditions.yml ``numbered`` follows the buttons of the question, in order."""
    shown = load_yaml("flows/texts/screening_words.yml")["words"]["conditions"]
    kinds = {"serious": "ill", "disability": "disabled", "student": "students"}
    kinds |= {"unemployed": "unemployed", "none": "none"}
    assert [kinds[option["value"]] for option in shown] == words("conditions")["numbered"]


# -- a daughter-in-law typing for her mother-in-law -----------------------------------
def test_the_one_who_gives_up_work_to_care_for_another() -> None:
    value = read_conditions("我自己，为了照顾老公把厂里的工作辞了，算不算？").value
    assert value == {"unemployed": ["self"]}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我老公三个月前出车祸，腰椎骨折，现在还在治，工地那边也把他辞了。大女儿读二年级，小的还没上学",
         {"ill": ["child"], "unemployed": ["child"], "students": ["grandchild"]}),
        ("1.老公（车祸伤） 3.大女儿读小学 其他没有",
         {"ill": ["child"], "students": ["grandchild"], "disabled": [], "unemployed": []}),
        ("4 我自己，为了照顾老公把厂里的工作辞了，算不算？", {"unemployed": ["child"]}),
    ],
)  # fmt: skip
def test_a_daughter_in_law_typing_for_her_mother_in_law(text: str, value: dict) -> None:
    assert read_conditions(text, applicant="mother-in-law").value == value


# -- consents ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "要得 冇得假的",
        "要得嘛，我说的都是实话",
        "得，冇問題",
        "查吧 我 冇得 么子 查得出来的",
        "我又没讲不同意，查嘛，莫得啥子怕的",
        "可以，麻煩你們了",
        "查什么 查我工资吗 嗯 同意吧",
        "同意。不过以后我妈情况有变化的话，要怎么更新？",
        "可以查。我妈的银行卡号需要提供吗？",
        "不同意 不是 我是说同意 刚才说快了",
        "眼睛看不见，我念给他听了，他说同意",  # 看不见 is what he is, no negation of it
    ],
)
def test_an_agreement_as_typed(text: str) -> None:
    assert read_consent(text).value == "agree"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("查么子咯 银行里的钱也要查啊 那我不搞哒", "refuse"),
        ("同意，我是说不同意", "refuse"),
        ("唔得", "unsure"),
        ("晓得", "unsure"),
        ("同意了什么", "unsure"),
        # a question first, then an agreement, but with a doubt or a negator before it
        ("查什么 我考虑一下 同意吧", "unsure"),
        ("老人一开始不同意，我解释了一遍，他说让查", "refuse"),
        ("能不查存款吗？同意", "unsure"),
        ("眼睛看不见，没念给他听，他说同意", "unsure"),  # a negator in a fact: a person asks
        # an agreement, then a question about what is agreed to, or a doubt
        ("同意。存款也要查吗？", "unsure"),
        ("同意。能不能不查存款？", "unsure"),
        ("同意。多久有结果？我再想想", "unsure"),
    ],
)
def test_no_agreement_as_typed(text: str, value: str) -> None:
    assert read_consent(text).value == value


# -- the summary ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["要得，交嘛", "确认提交。请问大概多久能有结果？", "确认。大概什么时候通知我？"]
)
def test_a_confirmation_then_a_question_about_what_happens_next(text: str) -> None:
    reading = read_confirm(text, region=REGION)
    assert reading.value == "yes"
    assert reading.facts == {}


@pytest.mark.parametrize(
    "text",
    [
        "确认提交。名字是不是写错了？",
        "确认。电话对吗？",
        "确认提交。多久能有结果？我再想想",
        "确认。可能多久有结果？",
    ],
)
def test_a_question_about_the_summary_is_no_confirmation(text: str) -> None:
    assert read_confirm(text, region=REGION).value == "no"


def test_a_phone_corrected_at_the_summary_is_kept() -> None:
    reading = read_confirm("手机号最后一位是6不是8，13908473156", region=REGION)
    assert reading.value == "no"
    assert reading.facts == {"phone": "13908473156"}


# -- vehicles, houses, ages ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("莫得车，三轮车算不算嘛？就是脚踩的那种", 0),
        ("没车，老头儿那轮椅算啥车", 0),
        ("莫得 嗯 啥子车都莫得", 0),
        ("有一台摩托 十几年了 鸡动车就这个", 1),
        ("先生有一台二手的五菱，跑零工用的", 1),
        ("面包车出事以后已经报废了，现在没有车", 0),
        ("烧油的三轮车一台", 1),
    ],
)
def test_vehicles_as_typed(text: str, value: int) -> None:
    assert read_assets_count(text, "vehicles").value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("房子是岳母的名字，就一套，我名下莫得", 1),
        ("兩間。一間是老家的舊房子，一間是鎮上買的小套房，還在繳貸款", 2),
        ("他家就那一处房子，塌了半边，还是算一套吧", 1),
        ("我名下没有房子", 0),
        ("住着一栋老屋，我名下没有", 0),
    ],
)
def test_houses_as_typed(text: str, value: int) -> None:
    assert read_assets_count(text, "houses").value == value


@pytest.mark.parametrize(
    ("text", "size", "ages"),
    [
        ("七十九了 我  老倌子大我三岁 八十二  外孙女满了十五", 3, [79, 82, 15]),
        ("俺六十三，老头儿比俺大三岁", 2, [63, 66]),
        ("我65 老伴小我两岁", 2, [65, 63]),
    ],
)
def test_a_difference_of_age_is_no_age(text: str, size: int, ages: list[int]) -> None:
    assert read_ages(text, size).value == ages


# -- places, events, money, supporters ------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "township", "village"),
    [
        ("长春镇马家坪村六组", "长春镇", "马家坪村"),
        ("沙头正 长青村 靠河边那个", "沙头镇", "长青村"),
        ("新桥河镇紫金村", "新桥河镇", "紫金村"),
        ("新桥河镇紫微村", "新桥河镇", "紫薇村"),  # a listed village, misspelt
        ("长春镇 我们村", "长春镇", None),
        ("长春镇 那个村", "长春镇", None),
        ("沙头镇农村", "沙头镇", None),
    ],
)
def test_a_village_after_its_township_even_when_not_listed(
    text: str, township: str, village: str | None
) -> None:
    place = read_place(text, REGION).value
    assert place is not None
    assert (place.township, place.village) == (township, village)


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("据老人讲，两个月前在家摔倒，邻居发现后送医，花费约五千元", "accident"),
        ("孙子 上个月 发高烧 住了 一个礼拜 医院 花了 三千多", "sudden_illness"),
        ("有 老婆上个月病情加重 住了ICU 花了四万多 借了三万", "sudden_illness"),
        ("那个工地老板跑了 欠我三个月工资没给 这个算不算变故", "other"),
    ],
)
def test_events_as_typed(text: str, event: str) -> None:
    assert read_event(text, region=REGION).value == event


def test_a_laid_off_son_in_wu() -> None:
    facts = extract_facts("儿子上个号头厂里裁员，拨伊裁脱了", slot="event")
    assert facts["hardship_event"] == "other"
    assert facts["unemployed"] == ["child"]


@pytest.mark.parametrize(
    ("text", "role", "value"),
    [
        ("不晓得 没 算过 有时候 多 有时候 少", "medical", UNKNOWN),
        ("我喺超市返工，一個月兩千八，老公而家冇收入", "income", 2800),
        ("銀行仲有萬幾蚊，係老公做手術剩低嘅", "deposits", 10000),
    ],
)
def test_money_as_typed(text: str, role: str, value: object) -> None:
    assert read_money(text, role).value == value


def test_a_son_who_is_doing_well() -> None:
    assert read_supporters("有个儿子在长沙开店 日子过得还可以 就是不大回来").value is True
