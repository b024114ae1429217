"""Answers read the way residents type them (issue 14): asides around a confirmation,
refusals that are not the applicant's, totals among several amounts, numerals said in
one breath, slow typists' one-word clauses, corrections of a tail, names as typed.

Each case checks the value AND that nothing else of the asked slot is read."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nlu.answers import (
    UNKNOWN,
    read_ages,
    read_assets_count,
    read_conditions,
    read_confirm,
    read_consent,
    read_count,
    read_event,
    read_grade,
    read_id_number,
    read_money,
    read_name,
    read_phone,
    read_place,
    read_residence,
    read_supporters,
)
from nlu.answers.confirm import NEGATOR_CHARS
from nlu.finders.text import prepare, terms

REGION = "hunan-yiyang-ziyang"


# -- the summary ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "已与户主逐条核对，信息无误，确认",
        "我刚一条一条念给奶奶听了，她说都对的～确认无误",
        "經核對，上述信息準確無誤，確認提交。",
        "啲資料都啱，確認",
        "户主表示以上信息没有错误，同意提交",
        "对，是这么回事",
        "我帮我爸看了一遍，都对，确认",
        "要得",  # 湘: all right
        "好嘞 提交",
    ],
)
def test_a_confirmation_after_asides_that_only_say_it_was_checked(text: str) -> None:
    reading = read_confirm(text, region=REGION)
    assert reading.value == "yes"
    assert reading.facts == {}


@pytest.mark.parametrize(
    "text",
    [
        "等我儿子回来，确认",  # not yet
        "先这样吧，确认",
        "还有个事，确认",
        "这个是什么意思，确认",
        "我再想想，确认",
        "帮我确认一下",
        "电话是13907371234，确认",  # a fact: a correction
        "收入写多了，确认",
        "我还没看完，确认",  # a negator anywhere
        "对是对",  # a concession: something is still to say
        "都对个屁",
        "谁说对了",
    ],
)
def test_an_aside_that_is_not_only_checking_keeps_it_a_correction(text: str) -> None:
    assert read_confirm(text, region=REGION).value == "no"


def test_removing_an_item_at_the_summary_is_not_cancelling() -> None:
    assert read_confirm("取消", region=REGION).value == "cancel"


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("收入唔係三千，係两千五，其他都ok", "monthly_income", 2500),
        ("对对对哦不对等一下那个存款写的是两万其实就一万五", "deposits", 15000),
        ("大致無誤。惟醫療支出一項有出入，每月自付應為壹仟貳佰元，請更正。", "medical", 1200),
    ],
)
def test_a_correction_carries_the_corrected_amount_in_its_role(
    text: str, key: str, value: int
) -> None:
    reading = read_confirm(text, region=REGION)
    assert reading.value == "no"
    assert reading.facts.get(key) == value
    others = {"monthly_income", "medical", "deposits", "one_off_cost"} - {key}
    assert not others & set(reading.facts)


# -- consents --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "奶奶说她不是不同意，就是想先打电话问问我爸",  # two negators: not a refusal
        "不是我不同意就是我听说查了以后银行会冻结卡是真的吗",
        "患者本人同意授权，但其配偶不同意，请问如何处理",  # someone else's refusal
        "本人同意授權核對，但僅限本人及配偶名下賬戶，子女賬戶不在授權之列。",  # a part
        "我先不点同意，问清楚再说",  # not yet
        "呢个要本人签咩？我唔係本人可唔可以帮佢同意？",  # asking whether
        "可以不授权吗？我爸不太想让人查他的账户",
        "好是好，就是我那点养老钱不想让别个晓得",  # a concession
        "只查收入可以，存款就不要查了",  # a part only
        "同意，不好说",  # a doubt said after it
        "同意吧，不太好讲",
        "谁同意了",  # rhetorical
        "同意了又能怎样",
        "同意一半",
    ],
)
def test_not_a_refusal_is_still_not_agreement(text: str) -> None:
    assert read_consent(text).value == "unsure"


@pytest.mark.parametrize(
    "text", ["户主原话：“同意，没什么好隐瞒的”", "户主及其妻均表示同意授权核对", "同义", "童意"]
)
def test_agreement_said_with_other_words(text: str) -> None:
    assert read_consent(text).value == "agree"


@pytest.mark.parametrize(
    "text",
    [
        "算啦，唔辦喇，唔好查",
        "先不同意吧",
        "我不太同义 查了怕别个说闲话",
        "不同义",
        "同意个屁",
        "签个锤子",
    ],
)
def test_refusals_stay_refusals(text: str) -> None:
    assert read_consent(text).value == "refuse"


def test_the_applicant_agreeing_through_a_daughter() -> None:
    assert read_consent("我老豆话同意", applicant="father").value == "agree"
    assert read_consent("我老伴同意了").value == "unsure"  # someone else, not the applicant


# -- money -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "role", "value"),
    [
        ("收入啊那个我老婆在超市上班一个月两千二我跑车一个月四千加起来六千二", "income", 6200),
        ("我哋三兄弟每人每月畀一千，加埋三千", "income", 3000),
        ("那个我跑车一个月嗯好的时候七八千不好的时候就三四千吧平均下来五千多", "income", 5000),
        ("退休金三千二，另每年房租收入一萬二，合計每月四千二左右。", "income", 4200),
        (
            "我老公在的时候一个月有五六千现在他走了就没了就我自己打零工一个月也就一千出头",
            "income",
            1000,
        ),
        ("我阿妈嗰边每个月八百，我老豆嗰边四百，加埋一千二", "medical", 1200),
        ("我那个不好意思刚才说的是一年的一年六千那一个月就是五百吧", "medical", 500),
        ("我老豆每个月食药大概千五", "medical", 1500),
        ("俺姐夫一个月光吃药就得一千五六", "medical", 1550),
        ("老头仔住院花了三万多 报了一些 自己出了一万", "one_off", 10000),
        ("两老嘅存款加埋唔够一万，大概八千", "deposits", 8000),
        ("唔係好清楚，我阿妈话不到一千，大概九百几", "income", 900),
        ("存款就是五万不对四万我上个月取了一万出来", "deposits", 40000),
        ("本人每月退休金約參仟貳佰元，老伴無收入。", "income", 3200),
        ("三万来块 就是 嗯 三万左右", "deposits", 30000),  # said again, not twice as much
        ("我两千，老伴两千", "income", 4000),  # two people: summed
    ],
)
def test_several_amounts_one_figure(text: str, role: str, value: int) -> None:
    reading = read_money(text, role)
    assert reading.value == value


@pytest.mark.parametrize(
    ("text", "role", "value"),
    [
        ("该户暂无医疗支出", "medical", 0),
        ("没啥花销，都挺好的，没人吃药", "medical", 0),
        ("我现在一分钱收入都没有全靠借钱过日子跟我妈借了两万了", "income", 0),
        ("没得存宽", "deposits", 0),
        ("俺姐家存款？那可没有，穷得叮当响", "deposits", 0),
        ("老人不清楚其存折余额", "deposits", UNKNOWN),  # not knowing is not "none"
        ("患者本人不清楚家庭收入，需待家属补充", "income", UNKNOWN),
        ("该户自述月收入不详", "income", UNKNOWN),
    ],
)
def test_none_and_unknown(text: str, role: str, value: object) -> None:
    assert read_money(text, role).value == value


def test_an_own_share_keeps_the_gross_bill_out_and_no_other_role() -> None:
    reading = read_money("老头仔住院花了三万多 报了一些 自己出了一万", "medical")
    assert reading.value is None  # a one-off bill, not a monthly cost
    assert reading.facts.get("one_off_cost") == 10000


# -- counts ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("我三十二大的十三老二九岁小的三岁", [32, 13, 9, 3]),
        ("我是三十二岁我婆婆六十一孩子十三九岁三岁", [32, 61, 13, 9, 3]),
        ("我四十五不对四十六了我老婆四十四两个孩子一个十八一个十二还有我妈七十", [46, 44, 18, 12, 70]),
        ("𠊎今年五十八，佢六十，阿仔廿六", [58, 60, 26]),
    ],
)  # fmt: skip
def test_ages_said_in_one_breath(text: str, ages: list[int]) -> None:
    assert read_ages(text).value == ages


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("四个人不对五个我把我自己忘了哈哈", 5),
        ("屋企得我同老公兩個", 2),
        ("我和三个孩子四口人还有我婆婆那就是五口", 5),
        ("俺姐家仨人", 3),
        ("不对不对，俺姐家是三口人，不是四口", 3),
        ("就 就三个吧 不对 四个 还有我爷爷", 4),
    ],
)
def test_household_size(text: str, size: int) -> None:
    reading = read_count(text)
    assert reading.value == size


def test_household_size_after_a_contrast() -> None:
    text = "户口本上有五个人，但平时一起吃饭开销的就奶奶和我小叔两个"
    assert read_count(text).value == 2


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3级 不对 是2级 刚翻出证看了", 2),
        ("好似係三級定係四級，唔記得喇", UNKNOWN),
        ("嗯好像是二级还是三级我记不清了我去翻一下", UNKNOWN),
        ("三级", 3),
    ],
)
def test_disability_grade(text: str, value: object) -> None:
    assert read_grade(text).value == value


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("汽车 无。 电动车 一辆", "vehicles", 0),
        ("车？ 没有。 代步车 残疾人 有", "vehicles", 0),
        ("有啊我有一台货车就是我跑车那个还有一台小车我老婆开", "vehicles", 2),
        ("那个我开的货车是老板的不是我的我屋里么得车", "vehicles", 0),
        ("两个 摩托一个 农用三轮一个", "vehicles", 2),
        ("无 房。 租房", "houses", 0),
        ("零套😂 奶奶住的是我大伯的房子", "houses", 0),
        ("房子是而子地 我名下没得", "houses", 0),
        ("住着一栋老屋，我名下没有", "houses", 0),  # nothing in the household's name
        ("就一栋老屋", "houses", 1),
    ],
)
def test_assets(text: str, kind: str, value: int) -> None:
    assert read_assets_count(text, kind).value == value


def test_a_relative_without_a_certificate_does_not_deny_it_for_the_household() -> None:
    text = "我阿妈有肝癌，我老豆腰骨唔好但冇残疾证，屋企冇人读书"
    value = read_conditions(text, applicant="father").value
    assert value == {"ill": ["spouse"], "students": []}
    household = read_conditions("家中无其他重病或残疾人员，无在校生").value
    assert household is not None and household.get("disabled") == []


# -- one-word clauses, events, residence --------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("不是 农村。 城里。", "urban"),
        ("住喺城入面", "urban"),
        ("我现在人是在城里跑车但是屋里是在农村的户口也是农村", "rural"),
    ],
)
def test_residence(text: str, value: str) -> None:
    assert read_residence(text).value == value


def test_a_lone_no_before_a_lone_town_is_not_taken_as_its_negation() -> None:
    """ "不是，城里" may answer "no: the town"; it never chooses 农村."""
    assert read_residence("不是，城里").value != "rural"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("户主近3个月无重大变故", "none"),
        ("变故倒是没有就是那个运费一直被拖着不给", "none"),
        ("那倒没啥事", "none"),
        ("近三個月並無變故。", "none"),
        ("上月遭詐騙，損失積蓄約三萬元。", "other"),
    ],
)
def test_event(text: str, value: str) -> None:
    assert read_event(text).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("儿子 有。 能力 有。 不管", True), ("女儿 有 能力 没有", False), ("没什么能力", False)],
)
def test_supporters_means_said_one_word_at_a_time(text: str, value: bool) -> None:
    assert read_supporters(text).value is value


# -- identity ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("申请人是奶奶不是我哈～她叫欧阳秀英", "欧阳秀英"),
        ("名字 王二", "王二"),
        ("户主姓陈，名建国，陈建国", "陈建国"),
        ("我叫黃麗珍", "黃麗珍"),  # kept as typed
        ("身份證上係曾秋嬌，大家都叫我阿嬌", "曾秋嬌"),
        ("李春华不对不对是李春花花朵的花", "李春花"),
        ("我叫王二 没得别地名字", "王二"),
        ("申请人係我阿爸，黄金水", "黄金水"),
        ("嗯申请人是我本人叫周红梅", "周红梅"),
        ("那个 张 弓长张 德 道德的德 明 明天的明", "张德明"),  # one character at a time
        ("王 二", "王二"),
    ],
)
def test_names(text: str, name: str) -> None:
    assert read_name(text).value == name


def test_a_name_spelled_needs_a_common_surname_and_only_explanations() -> None:
    assert read_name("我 不 知道").value is None
    assert read_name("张 弓长张 德 我也不知道").value != "张德"


def test_a_tail_corrected_after_the_number() -> None:
    phone = read_phone("我电话是那个一八八 零七三七 四五六六不对最后是四五六七")
    assert phone.value == "18807374567"
    id_number = read_id_number("430902195608150318 唔好意思打错咗，最后一位係X")
    assert id_number.value == "43090219560815031X"
    assert "phone" not in id_number.facts


@pytest.mark.parametrize(
    ("text", "village"),
    [
        ("奶奶户口在新桥河镇紫微村（是这个微吗？）", "紫薇村"),
        ("大码头街道金华坪社区", "金花坪社区"),
    ],
)
def test_a_misspelt_village_of_a_township_named(text: str, village: str) -> None:
    place = read_place(text, REGION).value
    assert place is not None and place.village == village


# -- properties: nothing negated or hedged is ever a yes -----------------------------------
_ALPHABET = (
    "我你他她老人家的了是对好吗呢吧嗯啊信息都电话名字村镇提交确认就这样没问题核对已经，。 ？"
)
_YES_WORDS = ["同意", "确认", "对", "好", "可以", "行", "提交", "确认无误", "愿意"]
# Questions asked before a final agreement ("查什么 查我工资吗 … 嗯 同意吧"), or after it
# in a sentence of its own ("同意。要多久？"), do not undo it: they have their own property.
_ASKED = terms("confirm", "consent", "asked_not_doubted")
_NOTHING_TO_HIDE = terms("confirm", "consent", "nothing_to_hide")
_CONSENT_HEDGES = tuple(word for word in terms("confirm", "consent", "hedge") if word not in _ASKED)
_CONFIRM_HEDGES = (*terms("confirm", "confirm", "hedge"), *terms("confirm", "confirm", "change"))
_IDIOMS = terms("confirm", "consent", "idioms")


_ONE_SENTENCE = _ALPHABET.replace("。", "").replace("？", "")


@settings(max_examples=800, deadline=None)
@given(
    st.text(_ONE_SENTENCE, max_size=8),
    st.sampled_from(sorted(_ASKED)),
    st.text(_ONE_SENTENCE.replace("，", "").replace(" ", ""), max_size=6),
    st.sampled_from(_YES_WORDS),
    st.text(_ONE_SENTENCE, max_size=6),
    st.booleans(),
)
def test_a_question_in_the_agreement_s_sentence_is_never_agreement(
    before: str, asked: str, middle: str, yes: str, after: str, asked_first: bool
) -> None:
    """After the agreement in its sentence, or before it in its clause, a question
    leaves it unsure ("同意吗", "同意什么", "多久同意"). 什么 after a negator in its
    clause asks nothing ("我也没存什么钱": anything), so such texts are skipped, as are
    the listed yes-idioms that hold a 什么 ("什么都可以": anything may be checked)."""
    text = before + (asked + middle + yes if asked_first else yes + middle + asked) + after
    assume(not re.search(f"[{NEGATOR_CHARS}][^,.;!?:~，。？ ]{{0,4}}(?<![为干是])什么", text))
    assume(not any(idiom in text for idiom in _NOTHING_TO_HIDE))
    assert read_consent(text).value != "agree"


@settings(max_examples=800, deadline=None)
@given(
    st.text(_ALPHABET, max_size=8),
    st.sampled_from(sorted(_CONSENT_HEDGES)),
    st.text(_ALPHABET, max_size=6),
    st.sampled_from(_YES_WORDS),
    st.text(_ALPHABET, max_size=6),
    st.booleans(),
)
def test_a_hedge_with_an_agreement_is_never_agreement(
    before: str, hedge: str, middle: str, yes: str, after: str, hedge_first: bool
) -> None:
    text = before + (hedge + middle + yes if hedge_first else yes + middle + hedge) + after
    # 没(个)什么 after a negator says "nothing (else)", no hedge ("同意没个什么"), as above
    assume(not re.search(f"[{NEGATOR_CHARS}][^,.;!?:~，。？ ]{{0,4}}(?<![为干是])什么", text))
    assert read_consent(text).value != "agree"


@settings(max_examples=800, deadline=None)
@given(
    st.text(_ALPHABET.replace("没", "").replace("不", ""), max_size=8),
    st.sampled_from(sorted(NEGATOR_CHARS)),
    st.sampled_from(["", "太", "是", "大", "很", "会", "能", "想"]),
    st.sampled_from(_YES_WORDS),
    st.text(_ALPHABET, max_size=8),
)
def test_a_negated_agreement_word_is_never_agreement(
    before: str, negator: str, filler: str, yes: str, after: str
) -> None:
    """Property (the legal record): 不/没/… before 同意, 好, 行, 可以 … whatever follows."""
    text = before + negator + filler + yes + after
    at = len(before)
    for idiom in _IDIOMS:  # 没问题 / 没意见 say yes: skip texts whose negator is one
        start = text.find(idiom)
        while start >= 0:
            assume(not (start <= at < start + len(idiom)))
            start = text.find(idiom, start + 1)
    assert read_consent(text).value != "agree"


@settings(max_examples=800, deadline=None)
@given(
    st.text(_ALPHABET, max_size=10),
    st.sampled_from(sorted(_CONFIRM_HEDGES)),
    st.text(_ALPHABET, max_size=6),
    st.sampled_from(["确认", "确认无误", "提交", "对", "好", "都对，确认"]),
    st.sampled_from(["，", "。", " ", ""]),
)
def test_a_hedge_or_change_with_a_confirmation_never_submits(
    aside: str, hedge: str, middle: str, yes: str, mark: str
) -> None:
    """Asides may stand before a confirmation; a hedge or a change word in them never."""
    text = aside + hedge + middle + mark + yes
    plain = prepare(text).text
    for idiom in _IDIOMS:
        plain = plain.replace(idiom, "")
    assume(any(word in plain for word in _CONFIRM_HEDGES))
    assert read_confirm(text).value != "yes"


@settings(max_examples=600, deadline=None)
@given(
    st.text(_ALPHABET, max_size=10),
    st.sampled_from(sorted(NEGATOR_CHARS)),
    st.text(_ALPHABET, max_size=6),
    st.sampled_from(["确认", "确认无误", "提交", "都对，确认"]),
)
def test_a_negator_in_an_aside_never_submits(
    aside: str, negator: str, middle: str, yes: str
) -> None:
    text = aside + negator + middle + "，" + yes
    plain = prepare(text).text
    for idiom in _IDIOMS:
        plain = plain.replace(idiom, "")
    assume(any(char in plain for char in NEGATOR_CHARS))
    assert read_confirm(text).value != "yes"
