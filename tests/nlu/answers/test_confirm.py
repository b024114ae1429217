"""At a summary only an explicit confirmation submits; at a consent only an explicit
agreement is recorded. These are the legal and the irreversible answers."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from nlu.answers import read_confirm, read_consent, read_yes_no
from nlu.answers.confirm import NEGATOR_CHARS
from nlu.finders.text import prepare, terms

REGION = "hunan-yiyang-ziyang"

CONFIRMS = [
    "确认", "确认无误", "確認無誤", "对", "对的", "对滴", "是的", "是的，沒錯", "没错", "都对",
    "对的，提交", "好的", "OK", "可以", "嗯嗯 确认", "没问题", "没问题，提交吧", "莫得问题 就这样",
    "对的对的没有问题就这样提交吧", "确认提交吧谢谢", "老人说信息都对，确认提交", "核对无误", "确定",
]  # fmt: skip
CORRECTIONS = [
    "不对", "不是这样", "不是这样的", "好像不太对", "名字写错了", "不对 名字错了", "修改", "错了",
    "我要改", "嗯", "嗯嗯", "等一下", "我再看看", "嗯……我再看看", "不确定", "不知道", "什么意思", "？", "对吗？",
    "对不对啊", "你再说一遍", "这个对吗", "收入写多了", "对，但是电话错了", "对，我还要加一个人",
    "长春村", "二港村", "13907371234", "是四口人", "是三口人", "应该没问题吧", "可能对吧",
]  # fmt: skip
CANCELS = ["取消", "不办了", "算了", "不要了", "我不申请了", "取消吧，我不申請了", "算了算了不弄了太麻烦了",
           "该户表示暂不申请，取消", "不搞了", "退出"]  # fmt: skip


@pytest.mark.parametrize("text", CONFIRMS)
def test_an_explicit_confirmation_submits(text: str) -> None:
    assert read_confirm(text).value == "yes"


@pytest.mark.parametrize("text", CORRECTIONS)
def test_anything_else_at_a_summary_is_a_correction(text: str) -> None:
    assert read_confirm(text, region=REGION).value == "no"


@pytest.mark.parametrize("text", CANCELS)
def test_cancel(text: str) -> None:
    assert read_confirm(text).value == "cancel"


def test_not_cancelling_is_not_a_cancel() -> None:
    assert read_confirm("不取消").value == "no"


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("电话错了 是一三九零七三七一二三四", {"phone": "13907371234"}),
        ("人数不对，我们家是三口人，不是四口", {"household_size": 3}),
        ("户口是新桥河镇紫薇村的，不是新桥河村", {"township": "新桥河镇", "village": "紫薇村"}),
        ("名字写错了，我爸叫周建国，不是周建华", {"name": "周建国"}),
        ("嗯那个收入那里不对啊我一个月是两千五不是两千", {"monthly_income": 2500}),
        ("二港村", {"township": "长春镇", "village": "二港村"}),
    ],
)
def test_a_correction_at_the_summary_carries_its_facts(text: str, facts: dict) -> None:
    reading = read_confirm(text, region=REGION)
    assert reading.value == "no"
    assert {key: reading.facts.get(key) for key in facts} == facts


_ALPHABET = "我你他她老人家的了是对好吗呢吧嗯啊信息都电话名字村镇提交确认就这样没问题，。 ？"
_IDIOMS = terms("confirm", "consent", "idioms")


@settings(max_examples=400, deadline=None)
@given(
    st.text(_ALPHABET, max_size=8),
    st.sampled_from(sorted(NEGATOR_CHARS)),
    st.text(_ALPHABET, max_size=8),
)
def test_a_message_with_a_negator_never_confirms(before: str, negator: str, after: str) -> None:
    text = before + negator + after
    plain = prepare(text).text
    for idiom in _IDIOMS:  # 没问题 / 没错 say yes: they are the only negators allowed
        plain = plain.replace(idiom, "")
    assume(any(char in plain for char in NEGATOR_CHARS))
    assert read_confirm(text).value != "yes"


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(CONFIRMS),
    st.sampled_from(["13907371234", "三口人", "紫薇村", "我叫王二", "存款两万"]),
)
def test_a_confirmation_that_also_says_a_fact_is_a_correction(yes: str, fact: str) -> None:
    assert read_confirm(yes + "，" + fact, region=REGION).value == "no"


AGREES = [
    "同意", "我同意", "同意的", "好的同意", "可以，同意", "我愿意", "同意，没问题", "没问题，我同意",
    "嗯那个同意吧就是同意", "我同意此承諾", "要得 同意噻", "冇问题 同意咯", "同意授權", "同意 查吧",
    "我们保证如实申报，同意", "老人表示同意", "户主同意授权核对", "她说同意", "本人承诺如实申报", "签",
    "就是说要我保证说的都是真的是吧那可以那就同意", "嗯同意同意你们查就是了反正也没什么钱",
    "好的", "可以", "行", "没问题",
]  # fmt: skip
REFUSALS = [
    "不同意", "不能同意", "没同意", "我没同意啊", "我不太同意", "先不同意吧", "不同意，我不想让你们查我的工资",
    "俺不同意", "要不得 不同意", "该户拒绝授权", "她说不同意签", "不行", "不", "不要", "不愿意", "不授权",
    "暂不同意", "同意不了", "别查了", "不想同意",
]  # fmt: skip
UNSURE = [
    "同意什么", "同意什么？", "同意？", "我同意吗？", "我考虑一下", "那个我考虑一下再说吧", "要问问儿子",
    "我要问问儿子", "户主说要等儿子回来再决定", "老人不太懂，说要问问女儿", "看不东 字太小了", "查我存款干啥",
    "这个承诺书是什么意思？如果有哪里填错了会怎么样？", "同意吧…我也不知道", "同意，不过我再想想", "嗯", "是",
    "我不识字 不晓得写的啥", "一定要同意吗", "如果我同意，会查什么",
    "同意，但是不要查我儿子的",  # a condition (a part only): not agreed, and not a refusal of all
]  # fmt: skip


@pytest.mark.parametrize("text", AGREES)
def test_an_explicit_agreement_is_recorded(text: str) -> None:
    assert read_consent(text).value == "agree"


@pytest.mark.parametrize("text", REFUSALS)
def test_a_refusal_is_a_refusal(text: str) -> None:
    assert read_consent(text).value == "refuse"


@pytest.mark.parametrize("text", UNSURE)
def test_hesitation_and_questions_are_never_agreement(text: str) -> None:
    assert read_consent(text).value == "unsure"


_NEGATORS = ["不", "没", "没有", "不能", "不太", "先不", "暂不", "不会", "不想", "别", "无", "未", "冇", "莫", "甭",
             "不愿", "决不", "从没", "并没有"]  # fmt: skip
_FILLER = "我你他她就先还也真的很会能要想这个那个嗯啊，。 "
_CONSENT_IDIOMS = (*terms("confirm", "consent", "idioms"), *terms("confirm", "impairments"))


@settings(max_examples=1500, deadline=None)
@example(
    before="认可。", negator="没有", filler="。。", agree="同意", after=""
)  # hypothesis found it
@given(
    st.text(_ALPHABET + "同意愿可以", max_size=10),
    st.sampled_from(_NEGATORS),
    st.text(_FILLER, max_size=4),
    st.sampled_from(["同意", "愿意", "可以", "授权", "承诺"]),
    st.text(_ALPHABET + "同意", max_size=10),
)
def test_a_negator_before_the_agreement_is_never_agreement(
    before: str, negator: str, filler: str, agree: str, after: str
) -> None:
    """Property (the legal record): whatever surrounds it, a text with a negator before
    同意 (or 愿意, 可以, 授权, 承诺) is never read as agreement. Only the idioms that say
    yes (没问题, 没意见) and what a person says of themself (不识字, 看不见: ``impairments``)
    are not negators: the property skips texts where the negator is part of one."""
    text = before + negator + filler + agree + after
    at = len(before)
    for idiom in _CONSENT_IDIOMS:
        start = text.find(idiom)
        while start >= 0:
            assume(not (start <= at < start + len(idiom)))
            start = text.find(idiom, start + 1)
    assert read_consent(text).value != "agree"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(AGREES),
    st.sampled_from(["考虑一下", "问问儿子", "什么意思？", "等我女儿回来再说", "不太懂"]),
)
def test_an_agreement_with_a_hesitation_is_not_agreement(agree: str, hedge: str) -> None:
    assert read_consent(agree + "，" + hedge).value != "agree"
    assert read_consent(hedge + "，" + agree).value != "agree"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("有", True), ("有的", True), ("是的", True), ("没有", False), ("没", False), ("不是", False),
        ("没有，儿子不在了", False), ("不知道", "unknown"), ("不清楚", "unknown"), ("天气不错", None),
    ],
)  # fmt: skip
def test_yes_no(text: str, value: object) -> None:
    assert read_yes_no(text).value == value


@pytest.mark.parametrize("text", ["就这样报上去吧", "麻烦帮我递交", "都对，交上去", "没问题，送出"])
def test_words_for_submitting_confirm(text: str) -> None:
    assert read_confirm(text).value == "yes"


@pytest.mark.parametrize("text", ["先别报上去", "不要送出", "等等再交上去", "报上去之前我再看看"])
def test_not_yet_submitting_is_no(text: str) -> None:
    assert read_confirm(text).value == "no"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # nothing to hide, said with a negator, is no refusal
        ("查呗，我家什么也没有", "agree"),
        ("随便查，不怕查", "agree"),
        ("可以，你们查", "agree"),
        ("中", "agree"),
        ("有什么不敢承诺的，同意", "agree"),
        # … but it never makes a refusal or a doubt an agreement
        ("我家什么也没有，不同意", "refuse"),
        ("不怕查，但是不同意", "refuse"),
        ("什么都没有，不想让人查", "refuse"),
        ("唔得，我唔想俾人查", "refuse"),
        ("查呗，我家什么也没有，不过要问问儿子", "unsure"),
        ("家中老人中风了", "unsure"),
        ("我家中", "unsure"),  # 中 inside a word agrees to nothing
        ("中不中？", "unsure"),  # asking, not refusing
        # not understanding it is a doubt, not a refusal
        ("听不懂授权书，等儿子回来再说", "unsure"),
        ("看不懂承诺书", "unsure"),
    ],
)
def test_consent_by_meaning(text: str, value: str) -> None:
    assert read_consent(text).value == value


@pytest.mark.parametrize("phrase", terms("confirm", "consent", "nothing_to_hide"))
@pytest.mark.parametrize(
    "no", ["不同意", "我不签", "先不同意吧", "不要查", "不授权", "考虑一下", "要问问儿子"]
)
def test_nothing_to_hide_never_turns_a_no_into_agreement(phrase: str, no: str) -> None:
    for text in (f"{phrase}，{no}", f"{no}，{phrase}", f"{phrase}{no}"):
        assert read_consent(text).value != "agree", text


@pytest.mark.parametrize("text", ["我同意个啥", "同意个什么同意", "签个啥"])
def test_a_rude_rhetorical_question_never_agrees(text: str) -> None:
    assert read_consent(text).value != "agree"


@pytest.mark.parametrize(("text", "value"), [("对个啥，都错了", "no"), ("都对的，交吧", "yes")])
def test_confirm_rude_or_plain(text: str, value: str) -> None:
    assert read_confirm(text).value == value


def test_cantonese_thanks_is_no_refusal() -> None:
    assert read_consent("唔该，同意").value == "agree"
    assert read_consent("唔同意").value == "refuse"


@pytest.mark.parametrize(
    "text",
    ["对的 你们快点来人啊 伢子都瘦得不成样子了", "对的，你们快点来人啊", "不改 都对的", "不改"],
)
def test_a_yes_with_a_plea_for_haste_or_no_change_confirms(text: str) -> None:
    """probeI W3: 对的 plus urgency is no change; 不改 都对的 says nothing is to change."""
    assert read_confirm(text, region=REGION).value == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "对的 快点 电话不对", "对的 快点来 地址是黄泥塘村三组", "对的 快点来人 等我儿子回来再交",
        "对的 快点 是不是要改", "对 快点来人吗", "对的 快点 但是名字写错了", "对的 快点 还有个事",
        "对的 赶紧 他有个儿子", "对的 快点 他住在三组", "可能对的 快点", "不改 电话改一下",
        "不改名字 改电话", "快点来人", "快点 对的 不对",
    ],
)  # fmt: skip
def test_a_plea_after_a_yes_never_hides_a_change(text: str) -> None:
    """After a yes, only a plea for haste and how bad it is may stand; anything that adds,
    changes, doubts or asks keeps it a correction."""
    assert read_confirm(text, region=REGION).value == "no"
