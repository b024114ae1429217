"""Danger to life is found in the ways people say it, and not in a denial or an idiom-free hardship."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from base.datafiles import load_yaml
from nlu.danger import detect, find_danger, prepare, says_mistake
from nlu.danger_model import MODEL_FILE, DangerModel, shipped_model
from nlu.danger_training import train

REPO = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    path = REPO / "benchmarks" / "danger_bench.py"
    spec = importlib.util.spec_from_file_location("danger_bench", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["danger_bench"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("我妈晕倒了叫不醒", "collapse", "120"),
        ("老人不想活了", "suicide", "12356"),
        ("他喝了农药", "suicide", "120"),
        ("家里着火了", "fire", "119"),
        ("隔壁王奶奶一个人住，好几天没见她出门了", "alone_unseen", "110"),
        ("我老公打我", "violence", "110"),
        ("我爸喘不上气 脸都紫了", "breathing", "120"),
        ("我媽暈倒了", "collapse", "120"),
    ],
)
def test_danger_is_found_with_its_lines(text: str, kind: str, line: str) -> None:
    danger = find_danger(text)
    assert danger is not None and kind in danger.kinds and line in danger.lines


@pytest.mark.parametrize(
    "text",
    [
        "没有生命危险，就是没钱",
        "我不是想死，就是太难了",
        "家里没米了",
        "我爸在医院，手术费交不起",
        "",
        "你好",
    ],
)
def test_no_danger_in_hardship_or_a_denial(text: str) -> None:
    assert find_danger(text) is None


def test_despair_gets_the_psychological_line_with_the_emergency_ones() -> None:
    danger = find_danger("活着没意思，想一了百了")
    assert danger is not None and danger.despair
    assert danger.lines[:2] == ("120", "110") and "12356" in danger.lines


# Written for this detector in the styles the development half lacks (dialect, a
# neighbour, a staff member's account); the held-out half of the corpus is never read here.
DIALECT_NEIGHBOUR_STAFF = [
    "我屋里老倌子倒咖哒 喊他冇得反应",
    "我娘老子突然晕咖哒 叫都叫不醒",
    "气都出不赢哒 胸口闷得要死",
    "我爷爷恰哒农药 现在口里吐白泡泡",
    "我老弟港他不想活哒",
    "屋里起火哒 快来人啊",
    "细伢子掉到塘里去哒 还冒起来",
    "隔壁屋的娭毑好几天冇出门哒 她一个人住",
    "他拿起菜刀要砍人",
    "老公喝醉酒又打人了 我脸上全是血",
    "嗯妈跌咖一跤 爬不起来哒 脑壳上流血",
    "佢晕低咗 冇反应",
    "我阿爸唔郁了 冇咗呼吸",
    "隔壁张爹一个人住 三四天没看见他出门了 喊门也没人应",
    "楼下的老太太摔倒在楼道里 起不来 头上流了血",
    "对门老奶奶倒在门口 我喊她她也不答应",
    "邻居家里冒黑烟 门锁着 里面好像有人",
    "隔壁两口子吵架 男的动刀了 女的一直在叫",
    "我听到楼上有人喊救命 还有砸东西的声音",
    "邻居小伙子在朋友圈说要去跳河 电话关机了",
    "隔壁老人独居 门口的报纸好几天没拿了 屋里有股味",
    "我们村的五保户李爹 一个星期没见人了 打电话也没人接",
    "有个老人倒在路边 一动不动 叫他也没反应",
    "工地上有个人从架子上掉下来了 头着地",
    "走访中发现辖区独居老人李某某已连续3日未出门 敲门无人应答 电话无法接通",
    "低保户王某突发脑梗 意识不清 家中无人",
    "该户户主情绪低落 多次表示不想活了 有轻生念头",
    "家属反映其子持刀威胁家人 现已将其母亲反锁在屋内",
    "辖区一民房发生火灾 屋内有一名行动不便老人",
    "特困供养人员张某在家中摔倒 头部出血较多 呼吸微弱",
    "网格员报告 一名精神障碍患者走失 已两天",
    "村民反映 独居老人刘某三天未露面 家中灯一直亮着",
    "五保户陈某疑似煤气中毒 已失去意识",
    "该户女主人长期遭受家暴 今日再次被殴打 现躲在村委会",
    "儿童误食老鼠药 正在呕吐",
    "一名老人在河边徘徊 多次说要跳下去",
    "我婆婆发高烧 抽筋 叫不应了",
    "我老公被砸到了 腿好像断了 一直在流血",
    "娃儿遭车撞了 躺起不动",
    "他说活起没得意思 不如死了算了",
]

NOT_DANGER = [
    "我爸去年中风了 现在瘫在床上 想申请护理补贴",
    "隔壁王奶奶一个人住 子女每个星期都来看她 想问她能不能办高龄补贴",
    "我们村有个独居老人 房子漏雨 能不能帮他修一下",
    "该户户主2019年因车祸致残 现无劳动能力 申请低保",
    "户主于前年溺水身亡 遗留两个未成年子女 申请事实无人抚养儿童补贴",
    "邻居老人前几天没看到 后来知道是去女儿家住了",
    "我屋里穷得要死 冇得钱交学费",
    "累死哒 跑了三趟还冇办好",
    "他以前想不开过 现在好多了 一直在看医生",
    "我娘老子有高血压 每个月药钱好贵 能报销不",
    "该户有一名精神残疾人 病情稳定 申请残疾人两项补贴",
    "村里有个老人一个人过 身体还可以 就是没收入",
    "工作人员说的那个救助热线是多少",
    "家里煤气灶打不着火了",
    "急死了 孩子的学费还差两千",
    "去年家里失火 房子烧了一半 现在住在亲戚家 能申请住房救助吗",
    "我妈一个人住 前天电话没人接 后来打通了 她去赶集了",
    "我老公喝了酒就发脾气 不过没动手 想问离婚后孩子的补助",
    "一个人带孩子 好累 想问单亲有什么补助",
    "我们家老人卧床三年了 想申请护理补贴",
    "外孙女打电话说想死我了 周末要来看我",  # "想死我了": missing someone
    "上星期楼下老人摔倒起不来 村里已经处理好了",  # last week, and over
]


@pytest.mark.parametrize("text", DIALECT_NEIGHBOUR_STAFF)
def test_danger_in_dialect_a_neighbours_and_a_staff_account(text: str) -> None:
    assert find_danger(text) is not None


@pytest.mark.parametrize("text", NOT_DANGER)
def test_the_past_a_request_and_everyday_exaggeration_are_not_danger(text: str) -> None:
    assert find_danger(text) is None


def test_development_half_of_the_corpus_keeps_its_figures() -> None:
    """Recall ≥ 0.97 and precision ≥ 0.9 on items 0..149 (the half the lists are tuned on)."""
    bench = _bench()
    figures = bench.measure(load_yaml(bench.DEFAULT_CORPUS)[: bench.DEVELOPMENT])
    assert figures.recall >= 0.97, figures.failures
    assert figures.precision >= 0.9, figures.failures


def test_a_kind_found_in_a_sentence_denied_elsewhere_still_counts() -> None:
    # "没联系上" is not the safe "联系上了"
    danger = find_danger("我哥一个人住 三天没联系上了")
    assert danger is not None and "alone_unseen" in danger.kinds


# The n-gram model (nlu/danger_model.py): written for these tests, in none of the
# training files, and said in ways the word lists do not name.
MODEL_FINDS = [
    ("我外婆刚刚从凳子上滑下来，靠在墙角眼睛闭着，怎么拍都不睁眼", "collapse"),
    ("我奶奶吃汤圆堵在嗓子眼了，手一直抓脖子，发不出声", "breathing"),
    ("我叔在猪场被铡刀切到了胳膊，肉都翻出来了，血滴了一路", "injury"),
    ("我后爹今晚又拿皮带抽我，把我反锁在柴房里", "violence"),
    ("楼上人家的空调外机冒火星子，窗户里往外冒烟", "fire"),
    ("我已经把欠大家的都还清了，今晚就去找我儿子，你们别等我了", "suicide"),
    ("我们单元那个自己住的老爷子，四五天没下楼拿报纸了，门上的福字都掉了也没人管", "alone_unseen"),
]


@pytest.mark.parametrize(("text", "kind"), MODEL_FINDS)
def test_the_model_finds_what_the_word_lists_do_not_name(text: str, kind: str) -> None:
    assert detect(text, None) is None  # the word lists alone miss it …
    danger = find_danger(text)  # … the lists with the model do not
    assert danger is not None and kind in danger.kinds, danger


@pytest.mark.parametrize(
    "text",
    [
        "我们楼上那个自己住的老爷子，身体硬朗得很，天天下楼打太极，想问他能不能领高龄补贴",  # a request
        "我叔前年在猪场被铡刀切到过胳膊，想问工伤以后能不能评残疾",  # the past
        "我笑死了，我妈把煤气费补贴的短信当成诈骗删了",  # an idiom
        "煤气费补贴和残疾证补贴能一起领吗",
        "没有人打我，就是想问一下单亲妈妈的补助",  # a denial
        "你们那个热线电话一直打不通，没人接",  # not seen, but nobody named (model_needs)
    ],
)
def test_the_model_leaves_requests_the_past_and_idioms_alone(text: str) -> None:
    assert find_danger(text) is None


@pytest.mark.parametrize("text", ["不想填了", "我不留电话了", "不干了", "好累啊", "不想说"])
def test_a_short_form_answer_is_not_danger(text: str) -> None:
    # "不想留" once got 120 in the feedback form: short text is the word lists' job
    assert find_danger(text) is None


def test_a_request_raises_the_models_bar() -> None:
    """Below ``model_bar`` the model alone does not find danger in a message asking for a service."""
    model = shipped_model()
    plain, asking = "我爸一个人在家好久了", "我爸一个人在家好久了 想申请补贴"
    likely = [model.danger(prepare(text))[0] for text in (plain, asking)]
    assert max(likely) < 0.8  # model_bar in danger.yml
    low = replace(model, threshold=min(likely) - 0.01)  # both above the threshold
    assert detect(plain, low) is not None
    assert detect(asking, low) is None


def test_the_model_adds_its_kind_to_what_the_lists_found() -> None:
    # the lists see the broken leg (injury), the model also who did it (violence)
    text = "我男人把我推下楼梯，我腿断了"
    found = detect(text, None)
    assert found is not None and found.kinds == ("injury",)
    danger = find_danger(text)
    assert danger is not None and danger.kinds == ("injury", "violence"), danger


def test_the_model_is_applied_without_sklearn() -> None:
    model = DangerModel.load(MODEL_FILE)
    assert model.classes[0] == "none" and len(model.classes) == 8
    assert model.danger(prepare("你好"))[0] < model.threshold
    code = (
        "import sys; from nlu.danger import find_danger; "
        "assert find_danger('我妈晕倒了叫不醒'); assert 'sklearn' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_the_shipped_danger_model_is_what_the_repository_data_trains(tmp_path: Path) -> None:
    """Deterministic training, and the committed model is not stale."""
    again = train(tmp_path / "danger.json")
    shipped = shipped_model()
    # compared first, asserted after: pytest's diff of two 60,000-entry vocabularies runs
    # for many minutes; the message says what to do instead
    same = again.vocabulary == shipped.vocabulary and again.threshold == shipped.threshold
    assert same, "the shipped danger model is stale: run `jiuzhu nlu train-danger`"
    assert np.array_equal(again.weights.astype(np.float16), shipped.weights.astype(np.float16))


# Probe A/B (2026-12-02): "打" before a number is calling; a past injury told as the
# hardship is asked about once; an acute one never; a mistake can be said.
@pytest.mark.parametrize(
    "text",
    [
        "我冇得手机 打我儿子的 139 7370 1234",
        "打我的，186-7377-0921",
        "打我老婆的 13807371234",
        "么子 我冇出事 我是说 电话 打我儿子的",
        "打我儿子的手机",
    ],
)
def test_calling_a_number_is_no_violence(text: str) -> None:
    assert find_danger(text) is None


@pytest.mark.parametrize("text", ["他打我", "我老公打我的头", "他喝醉了打我的脸"])
def test_beating_is_still_violence(text: str) -> None:
    danger = find_danger(text)
    assert danger is not None and "violence" in danger.kinds and danger.sure


@pytest.mark.parametrize(
    "text",
    [
        "工地上把腿摔断了现在做不得事了",
        "还有我腿摔断了冇写上去",
        "我爸刚刚心梗住院 算重病吧",
        "我老公车祸了 腿断了 做不了事 能申请低保吗",
    ],
)
def test_an_injury_told_with_its_aftercare_is_asked_about(text: str) -> None:
    danger = find_danger(text)
    assert danger is not None and not danger.sure


def test_a_bare_injury_is_an_alarm_and_asked_about_as_a_forms_answer() -> None:
    alone = find_danger("我爸腿摔断了")
    answer = find_danger("我爸腿摔断了", answering=True)
    assert alone is not None and alone.sure
    assert answer is not None and not answer.sure


@pytest.mark.parametrize(
    "text",
    [
        "两个伢子都在读书 我腿断了做不得事 我妈晕倒了叫不醒",
        "腿摔断了 头上一直流血 做不得事",
        "我爸心梗 现在没有呼吸了 住院费交不起",
        "我腿断了 活着没意思 不想活了 能申请低保吗",
        "我腿断了做不得事 一个人住好几天没人来 电话也打不通",
    ],
)
def test_collapse_breathing_bleeding_despair_and_alone_are_never_doubtful(text: str) -> None:
    for answering in (False, True):
        danger = find_danger(text, answering=answering)
        assert danger is not None and danger.sure, (text, answering)


@pytest.mark.parametrize(
    ("text", "mistake"),
    [
        ("不是紧急的 搞错了 我要申请低保", True),
        ("跟你说了不是急事啊我在填低保的表", True),
        ("不是 他现在没事了 我是在填我妈的低保", True),
        ("我没得事 就是随便讲讲 你莫叫人来", True),
        ("真的要报警啊 万一他是去他儿子家了呢 我怕搞错了人家骂", False),
        ("长春镇二港村", False),
        ("他现在没有呼吸了", False),
    ],
)
def test_a_mistake_is_told_from_a_worry(text: str, mistake: bool) -> None:
    assert says_mistake(text) is mistake


@pytest.mark.parametrize(
    "text",
    [
        "哎呀搞错了 是他屋里在熏腊肉 烧的谷壳 冇着火 人好好的",
        "刚才着火那个是误报 冇事了",
        "都不是 是刚才报错了 是误报",
        "不用不用 俺就是低血糖 老毛病 吃块糖就好了",
    ],
)
def test_a_false_alarm_that_repeats_the_danger_word_is_a_mistake(text: str) -> None:
    """probeI W23/W26: the engine drops the danger of such a message in an urgent case."""
    assert says_mistake(text)


@pytest.mark.parametrize(
    "text",
    [
        "我今年十岁 爸爸妈妈在外面打工 奶奶前天住院了 家里就我一个 冰箱里没有吃的了 我好饿",
        "对门屋里那个细伢子才九岁 他一个人在屋里住了快一个星期了 这两天看到他在捡别个丢的东西吃",
        "我8岁 家里没有大人 好怕",
    ],
)
def test_a_child_alone_without_food_is_danger_with_110_first(text: str) -> None:
    for answering in (False, True):
        danger = find_danger(text, answering=answering)
        assert danger is not None and "child_alone" in danger.kinds and danger.sure, text
        assert danger.lines[0] == "110"


@pytest.mark.parametrize(
    "text",
    [
        "我一个人住 孩子在外地 冰箱里没有吃的了",  # no child alone: an urgent need, not 110
        "我儿子10岁 想申请教育救助",
        "我今年七十岁 一个人住 低保怎么申请",
        "孙子8岁 跟我住 我们家没有大人挣钱",
        "我今年七十岁 一个人住 冰箱里没有吃的了",  # 七十岁 is no 十岁
        "孙子十八岁 一个人在家 没饭吃",
    ],
)
def test_an_adult_alone_or_a_child_looked_after_is_no_child_alone(text: str) -> None:
    danger = detect(text, None)
    assert danger is None or "child_alone" not in danger.kinds, text


@pytest.mark.parametrize(
    "text",
    [
        "唉 申請嚟都冇用 我呢世人都係咁 瞓低咗唔好再醒返仲好",  # 粤语, probeI H8
        "阮真正无想欲活矣 囝仔攏無咧管",  # 闽南, probeI H12
    ],
)
def test_dialect_despair_gives_12356_at_any_step(text: str) -> None:
    for answering in (False, True):
        danger = detect(text, None, answering=answering)
        assert danger is not None and danger.despair and "12356" in danger.lines, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # staff write 今日/目前/现已 for "now": a past word before it no longer hides it
        ("该户老人糖尿病多年，今日低血糖昏迷，家属在外打工", "collapse"),
        ("该户户主高血压多年，目前意识不清，家中无人", "collapse"),
        ("学校反映一名学生在作文中写要离开这个世界", "suicide"),
        ("我刚在视频里看到护工扇我爸耳光，我人在外地", "violence"),
        ("社工接报：一名未成年人被人强行带走", "violence"),
    ],
)
def test_the_word_lists_read_staff_words_for_now_and_more_phrases(text: str, kind: str) -> None:
    danger = detect(text, None)  # the word lists alone
    assert danger is not None and kind in danger.kinds


def test_the_past_is_still_the_past_with_the_staff_words_for_now() -> None:
    assert detect("该户老人糖尿病多年，去年低血糖昏迷过一次，申请医疗救助", None) is None


@pytest.mark.parametrize(
    "text",
    [
        "脑溢血是老伴的 我没得重病 就是腰不好",  # replayL 04, inside the emergency flow
        "心梗是我爸的，我没事",
        "老伴脑溢血走了",
        "我爸前阵子心梗没了 想申请低保",
    ],
)
def test_an_illness_said_to_be_anothers_or_a_dead_persons_is_no_danger(text: str) -> None:
    assert find_danger(text) is None
    assert find_danger(text, answering=True) is None


@pytest.mark.parametrize(
    "text",
    [
        "车祸了 是我儿子的车",  # "的" does not end the clause: whose car, not whose illness
        "脑溢血是老伴的 他现在叫不醒",  # a collapse word besides still counts
        "我妈脑溢血了",
        "我老伴突发脑溢血",
    ],
)
def test_an_illness_now_is_still_danger_next_to_a_whose_phrase(text: str) -> None:
    assert find_danger(text) is not None
