"""The forms read answers the way residents give them (issue 14): through the real engine.

- nothing at a summary but an explicit confirmation submits; a correction is applied;
- a consent is recorded only on an explicit agreement, in every consent of the product;
- facts said in any order are kept, said back and never asked again; a number with the
  wrong unit is kept for its own slot;
- the household per member: who is ill or disabled, grades, children without parents.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base.messages import BotReply, UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from tests.support.demo_form import DemoForm

ID_NUMBER = "430902195801011231"
PHONE = "13807371234"


class Chat:
    def __init__(self, runtime: Runtime, channel: str = "rest") -> None:
        self.runtime, self.channel = runtime, channel
        self.sender = f"t-{uuid.uuid4().hex[:8]}"
        self.last: list[BotReply] = []

    async def __call__(self, *texts: str) -> str:
        said = ""
        for text in texts:
            self.last = await self.runtime.engine.handle(
                UserMessage(self.channel, self.sender, text)
            )
            said = "\n".join(reply.text for reply in self.last)
        return said

    @property
    def buttons(self) -> list[str]:
        return [b.title for reply in self.last for b in reply.buttons]

    async def session(self) -> Any:
        return await self.runtime.store.get(self.channel, self.sender)

    async def values(self) -> dict[str, Any]:
        return dict((await self.session()).form.get("values", {}))

    def cases(self) -> list[Any]:
        return self.runtime.backend.cases_for_sender(self.channel, self.sender)


@pytest.fixture
async def runtime(settings: Settings) -> Any:
    runtime = Runtime(settings)
    yield runtime
    await runtime.aclose()


@pytest.fixture
async def demo(settings: Settings) -> Any:
    runtime = Runtime(settings, flows=[DemoForm()])
    yield runtime
    await runtime.aclose()


async def at_demo_summary(chat: Chat) -> str:
    return await chat("/self_screening", "老王", "城镇", "3", "1200", "13812345678")


# -- the summary ----------------------------------------------------------------------
NOT_CONFIRMATIONS = [
    "不对", "不是这样", "不是这样的", "名字写错了", "好像不太对", "我再看看", "等一下", "对吗？",
    "对不对", "对，但是电话错了", "金花坪社区", "长春镇二港村", "嗯？", "是吗", "不确认", "不提交",
    "这个不对吧", "你再说一遍", "还没看完", "好像少了一个人", "收入写多了", "嗯", "嗯嗯",
]  # fmt: skip


@pytest.mark.parametrize("answer", NOT_CONFIRMATIONS)
async def test_nothing_but_a_confirmation_submits_the_summary(demo: Runtime, answer: str) -> None:
    chat = Chat(demo)
    assert "信息都对吗" in await at_demo_summary(chat)
    reply = await chat(answer)
    session = await chat.session()
    assert "demo_submitted" not in session.slots, answer  # never submitted
    if session.flow is not None:  # still in the form: the summary again or what to change
        assert session.step in ("confirm", "change", "who", "residence", "size", "income", "phone")
        assert "已记录" not in reply


@pytest.mark.parametrize("answer", ["确认无误", "对的，提交吧", "没问题", "确认", "嗯 确认"])
async def test_an_explicit_confirmation_submits(demo: Runtime, answer: str) -> None:
    chat = Chat(demo)
    await at_demo_summary(chat)
    assert "已记录：老王，3口人，月收入1200元" in await chat(answer)
    assert (await chat.session()).slots["demo_submitted"]["phone"] == "13812345678"


async def test_a_correction_at_the_summary_is_applied_and_shown_again(demo: Runtime) -> None:
    chat = Chat(demo)
    await at_demo_summary(chat)
    reply = await chat("电话错了，是13907371234")
    assert "已改为：手机号 13907371234" in reply and "信息都对吗" in reply
    assert (await chat.values())["phone"] == "13907371234"
    assert "demo_submitted" not in (await chat.session()).slots


async def test_a_wrong_answer_named_at_the_summary_is_asked_again(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await at_apply_summary(chat)
    reply = await chat("名字写错了")
    assert "申请人的姓名" in reply and not chat.cases()
    reply = await chat("王建军")
    assert "请核对" in reply and "姓名：王建军" in reply
    assert not chat.cases()
    await chat("确认无误")
    assert len(chat.cases()) == 1


async def test_a_summary_answer_that_says_nothing_asks_what_to_change(demo: Runtime) -> None:
    chat = Chat(demo)
    await at_demo_summary(chat)
    assert "要修改哪一项" in await chat("不对")
    assert chat.buttons == ["姓名", "居住地", "家庭人数", "月收入", "手机号"]


async def at_apply_summary(chat: Chat) -> str:
    return await chat(
        "我想申请低保", "我叫王建国", ID_NUMBER, PHONE, "金花坪社区", "2", "68 65", "5", "1200",
        "同意", "同意",
    )  # fmt: skip


@pytest.mark.parametrize("answer", ["不对", "不是这样", "名字写错了", "二港村", "好像不对吧"])
async def test_an_application_is_never_filed_by_a_correction(runtime: Runtime, answer: str) -> None:
    chat = Chat(runtime)
    assert "请核对" in await at_apply_summary(chat)
    await chat(answer)
    assert chat.cases() == []


# -- consents --------------------------------------------------------------------------
NEGATED = ["不", "没", "不能", "没有", "不太", "先不", "还不", "暂时不", "无法", "唔", "未", "别"]
HEDGES = ["我考虑一下", "我要问问儿子", "同意什么", "同意吗", "同意，但是我想先问问", "我老伴同意了",
          "不太懂", "等我儿子回来再说", "你们查了会不会冻结我的卡"]  # fmt: skip
FILLER = st.text("嗯啊我们这个那就吧呢了，。 ", max_size=6)


async def at_commitment(chat: Chat) -> str:
    return await chat(
        "我想申请低保", "我叫王建国", ID_NUMBER, PHONE, "金花坪社区", "2", "68 65", "5", "1200"
    )


@pytest.mark.parametrize("answer", [f"{n}同意" for n in NEGATED] + HEDGES)
async def test_a_refused_or_hesitant_commitment_is_not_recorded(
    runtime: Runtime, answer: str
) -> None:
    chat = Chat(runtime)
    assert "告知承诺书" in await at_commitment(chat)
    reply = await chat(answer)
    values = await chat.values()
    assert values.get("commitment") != "agree", answer
    assert (await chat.session()).step == "commitment"
    assert "同意" in reply and "转人工" in chat.buttons and "再看一遍" in chat.buttons
    assert "已同意" not in reply


async def test_reading_the_commitment_again_then_agreeing(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await at_commitment(chat)
    assert "您还没有同意《告知承诺书》" in await chat("我考虑一下")
    assert "如有隐瞒或虚报" in await chat("再看一遍")
    assert "家庭经济状况核对授权书" in await chat("同意")
    assert "您没有同意《家庭经济状况核对授权书》" in await chat("不同意")
    assert (await chat.values()).get("authorisation") is None
    assert "请核对" in await chat("我同意")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=FILLER, negator=st.sampled_from(NEGATED), after=FILLER)
async def test_a_negator_before_agreeing_is_never_recorded_in_any_consent(
    settings: Settings, before: str, negator: str, after: str
) -> None:
    """告知承诺, 核对授权 (applying), and the follow-up consent: never agreed."""
    answer = f"{before}{negator}同意{after}"
    runtime = Runtime(settings)
    try:
        chat = Chat(runtime)
        await at_commitment(chat)
        await chat(answer)
        assert (await chat.values()).get("commitment") != "agree", answer
        await chat("同意")
        await chat(answer)
        assert (await chat.values()).get("authorisation") != "agree", answer
        assert chat.cases() == []
    finally:
        await runtime.aclose()


async def staff_at_read_out(runtime: Runtime, chat: Chat) -> str:
    _, token = runtime.backend.create_staff("李干事", "caseworker", "长春镇")
    return await chat(
        f"/bind {token}",
        f"口述办 王有福，68岁独居，住二港村，身份证{ID_NUMBER}，电话{PHONE}，每月养老金300元，申请低保",
    )


@pytest.mark.parametrize(
    "answer", ["居民不同意", "居民没同意", "老人说先不同意", "居民还在考虑", "不同意"]
)
async def test_a_read_out_consent_not_agreed_is_not_recorded(runtime: Runtime, answer: str) -> None:
    chat = Chat(runtime, "telegram")
    assert "请向居民宣读《告知承诺书》" in await staff_at_read_out(runtime, chat)
    await chat(answer)
    assert (await chat.values()).get("commitment_read") != "agree", answer
    assert "再看一遍" in chat.buttons
    await chat("居民已同意")
    assert (await chat.values()).get("commitment_read") == "agree"


@pytest.mark.parametrize("answer", ["不同意", "没同意", "我不太同意", "先不同意吧", "我考虑一下"])
async def test_the_follow_up_consent_is_kept_only_when_agreed(
    runtime: Runtime, answer: str
) -> None:
    from backend import followup

    chat = Chat(runtime)
    await chat("/self_screening", "城镇", "1", "68", "5", "500", "0", "1000", "没有", "1套",
               "没有", "没有", "确认无误")  # fmt: skip
    assert "授权说明" in await chat("/followup_consent")
    reply = await chat(answer)
    assert "不保存您的家庭情况" in reply
    assert not followup.is_subscribed(runtime.backend, "rest", chat.sender)
    assert "已开通" in await chat("同意")


# -- facts in any order ------------------------------------------------------------------
async def test_an_answer_to_another_question_is_kept_and_said_back(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat("/self_screening")
    reply = await chat("我们家四口人，我52，老伴50，两个孩子上大学，一个月收入三千")
    assert "记下了：" in reply and "家庭人数 4人" in reply and "约3000元" not in reply
    assert "家庭月收入 3000元" in reply
    assert "城镇还是农村" in reply  # the question itself is asked again
    values = await chat.values()
    assert values["household_size"] == 4 and values["monthly_income"] == 3000
    reply = await chat("城镇")
    assert "几口人" not in reply and "收入" not in reply
    assert "请告诉我家里4个人的年龄" in reply  # two ages were said, four people live there


async def test_a_number_with_the_wrong_unit_is_kept_for_its_own_question(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat("/self_screening", "城镇", "1", "68", "5", "500", "0")
    reply = await chat("1套")  # at the deposits question
    assert "记下了：住房 1套" in reply and "存款" in reply
    values = await chat.values()
    assert values["houses"] == 1 and "deposits" not in values
    reply = await chat("三千")
    assert "几套住房" not in reply and "机动车" in reply


async def test_approximations_are_shown_as_such(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat("/self_screening", "城镇", "1", "68", "5", "八千多", "两三百")
    reply = await chat("几千块", "没有", "没有", "没有", "没有")
    assert "家庭月收入：约8000元" in reply
    assert "每月自付医药费：约250元" in reply
    assert "家庭存款：1000–9000元（只知道大概范围）" in reply


async def test_unknown_stays_unknown(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat("/self_screening", "城镇", "1", "68", "5", "500", "不清楚", "不清楚")
    values = await chat.values()
    assert values["medical"] == "unknown" and values["deposits"] == "unknown"


# -- the household per member ------------------------------------------------------------
def members(household: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(household["members"], key=lambda m: -m["age"])


async def screened(chat: Chat, *answers: str) -> dict[str, Any]:
    reply = await chat("/self_screening", *answers)
    assert "初步测算结果" in reply, reply
    return dict((await chat.session()).slots["household"])


async def test_two_disabled_sons(runtime: Runtime) -> None:
    chat = Chat(runtime)
    household = await screened(
        chat, "农村", "4", "我62，堂客58，大儿子32，小儿子28", "两个儿子都有残疾",
        "大的二级，小的三级", "精神", "一年一万多", "小儿子吃药三百多", "两三千", "没有", "一栋",
        "女儿在常德，帮不上", "没有", "确认无误",
    )  # fmt: skip
    sons = [m for m in members(household) if m["relation"] == "child"]
    assert [(m["age"], m["disability_grade"]) for m in sons] == [(32, 2), (28, 3)]
    assert sons[1]["disability_kind"] == "mental"
    screening = (await chat.session()).slots["screening"]
    assert screening["programs"]["dibao"] == "likely"
    assert screening["amounts"]["dibao"] == 1139.0
    assert screening["programs"]["disability"] == "likely"


async def test_an_old_couple_both_ill(runtime: Runtime) -> None:
    chat = Chat(runtime)
    household = await screened(
        chat, "农村", "2", "70 68", "我尿毒症，老伴中风瘫痪了", "一年三千", "一千", "五千", "没有",
        "一套", "没有", "没有", "确认无误",
    )  # fmt: skip
    assert [m.get("serious_illness") for m in members(household)] == [True, True]


async def test_who_is_ill_is_asked_when_the_answer_does_not_say(runtime: Runtime) -> None:
    chat = Chat(runtime)
    reply = await chat("/self_screening", "城镇", "3", "68 65 40", "1")
    assert "重病的是哪一位" in reply
    # Ages said without who is who: the members by their place in the list.
    assert chat.buttons == [
        "本人（68岁）",
        "第2位（65岁）",
        "第3位（40岁）",
        "都不是（不在家里一起生活）",
    ]
    await chat("2")
    assert (await chat.values())["who_ill"] == ["1"]
    household = await screened(
        Chat(runtime), "城镇", "3", "68 65 40", "1", "1 3", "1000", "200", "5000", "没有", "一套", "没有",
        "没有", "确认无误",
    )  # fmt: skip
    assert [m.get("serious_illness", False) for m in household["members"]] == [True, False, True]


async def test_grandchildren_whose_parents_cannot_raise_them(runtime: Runtime) -> None:
    chat = Chat(runtime)
    reply = await chat("/self_screening", "农村", "3", "我66 孙子10岁 孙女6岁", "孙子孙女都在上学")
    assert "父母是不是都不能抚养" in reply
    household = await screened(
        chat, "农村", "3", "我66 孙子10岁 孙女6岁", "孙子孙女都在上学", "是的，爸爸坐牢，妈妈走了",
        "卖菜四五百 养老金一百五十多", "五十多", "幼儿园一个月两百", "就三百多", "没有", "一栋老屋",
        "没有", "没有", "确认无误",
    )  # fmt: skip
    children = [m for m in household["members"] if m["age"] < 18]
    assert [m.get("parents_unable") for m in children] == [True, True]
    screening = (await chat.session()).slots["screening"]
    assert screening["programs"]["child"] == "likely"


async def test_an_event_asks_its_one_off_cost(runtime: Runtime) -> None:
    chat = Chat(runtime)
    reply = await chat("/self_screening", "农村", "1", "70", "5", "500", "0", "1000", "没有",
                       "一套", "没有", "/fire")  # fmt: skip
    assert "这次变故家里花了" in reply
    reply = await chat("修房子要三万左右")
    assert "这次变故的花销：约30000元" in reply


# -- what the applicant said reaches staff ----------------------------------------------
async def test_an_application_keeps_what_the_screening_was_told(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await screened(
        chat, "城镇", "2", "68 65", "老伴尿毒症", "1200", "八百多", "五千", "没有", "一套", "没有",
        "没有", "确认无误",
    )  # fmt: skip
    shown = (await chat.session()).slots["screening"]["programs"]
    await chat("现在申请", "1", "我叫王建国", ID_NUMBER, PHONE, "金花坪社区")
    reply = await chat("同意", "同意")
    assert "每月自付医药费：约800元" in reply and "家庭存款：5000元" in reply
    await chat("确认无误")
    [case] = chat.cases()
    detail = runtime.backend.case_detail(case.case_no)
    assert detail.household["monthly_rigid_expenses"]["medical"] == 800
    assert detail.household["assets"] == {"deposits": 5000.0, "vehicles": 0, "houses": 1}
    assert [m.get("serious_illness", False) for m in detail.household["members"]] == [False, True]
    assert {p["program"]: p["status"] for p in detail.screening["programs"]} == shown
    assert "每月自付医药费：约800元" in detail.summary
