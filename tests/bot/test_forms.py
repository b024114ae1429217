"""The form mechanism, driven through the real engine with a five-question form."""

from __future__ import annotations

import pytest

from base.messages import BotReply, UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from tests.support.demo_form import DemoForm, EagerDemoForm


class Chat:
    def __init__(self, runtime: Runtime, sender: str = "u1") -> None:
        self.runtime, self.sender = runtime, sender
        self.last: list[BotReply] = []

    async def __call__(self, text: str) -> str:
        self.last = await self.runtime.engine.handle(UserMessage("test", self.sender, text))
        return "\n".join(reply.text for reply in self.last)

    @property
    def buttons(self) -> list[str]:
        return [b.title for reply in self.last for b in reply.buttons]

    async def session(self):  # type: ignore[no-untyped-def]
        return await self.runtime.store.get("test", self.sender)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(Runtime(settings, flows=[DemoForm()]))


async def test_a_form_asks_each_slot_then_confirms_and_submits(chat: Chat) -> None:
    assert "怎么称呼" in await chat("/self_screening")
    assert "城镇还是农村" in await chat("老王")
    assert chat.buttons == ["城镇", "农村"]
    assert "几口人" in await chat("农村")
    assert "收入" in await chat("3")
    assert "手机号" in await chat("1200")
    summary = await chat("13812345678")
    assert "老王" in summary and "农村" in summary and "3人" in summary and "1200元" in summary
    assert chat.buttons == ["确认无误", "修改", "取消"]
    assert "已记录：老王，3口人，月收入1200元" in await chat("确认无误")
    session = await chat.session()
    assert session.flow is None
    assert session.slots["demo_submitted"]["residence"] == "rural"


@pytest.mark.parametrize("answer", ["2", "农村", "/rural", "乡下", "我住在农村"])
async def test_a_choice_is_made_by_number_title_payload_or_synonym(chat: Chat, answer: str) -> None:
    await chat("/self_screening")
    await chat("老王")
    assert "几口人" in await chat(answer)
    assert (await chat.session()).form["values"]["residence"] == "rural"


async def test_an_invalid_answer_is_asked_again_with_the_reason(chat: Chat) -> None:
    await chat("/self_screening")
    await chat("老王")
    await chat("城镇")
    reply = await chat("50")
    assert "1到20人" in reply and "几口人" in reply
    reply = await chat("不知道")
    assert "没能看懂" in reply and "几口人" in reply
    reply = await chat("还是不知道")
    assert "转人工" in reply  # after three tries a person is offered
    assert "收入" in await chat("4")


async def test_back_returns_to_the_previous_question_and_forgets_its_answer(chat: Chat) -> None:
    await chat("/self_screening")
    await chat("老王")
    await chat("城镇")
    assert "城镇还是农村" in await chat("返回")
    assert "residence" not in (await chat.session()).form["values"]
    assert "怎么称呼" in await chat("上一步")
    assert "第一个问题" in await chat("返回")
    assert "城镇还是农村" in await chat("小李")


async def test_cancel_leaves_the_flow_from_any_step(chat: Chat) -> None:
    await chat("/self_screening")
    await chat("老王")
    assert "已取消" in await chat("取消")
    session = await chat.session()
    assert session.flow is None and session.form == {}
    assert "没有正在办理" in await chat("退出")


async def test_menu_pauses_the_form_and_continue_resumes_it(chat: Chat) -> None:
    await chat("/self_screening")
    await chat("老王")
    assert "还没办完" in await chat("菜单")
    assert chat.buttons[0] == "继续刚才的事项"
    assert "城镇还是农村" in await chat("1")  # typing the number of the button
    assert "几口人" in await chat("城镇")


async def test_summary_can_change_one_answer(chat: Chat) -> None:
    for text in ("/self_screening", "老王", "城镇", "3", "1200", "13812345678"):
        await chat(text)
    assert "要修改哪一项" in await chat("修改")
    assert "收入" in await chat("月收入")
    summary = await chat("900")
    assert "900元" in summary and "信息都对吗" in summary


async def test_a_correction_at_the_summary_is_applied(settings: Settings) -> None:
    chat = Chat(Runtime(settings, flows=[EagerDemoForm()]))
    for text in ("/self_screening", "老王", "城镇", "我们家3口人", "1200", "13812345678"):
        await chat(text)
    reply = await chat("不对，是4口人")
    assert "已改为：家庭人数 4人" in reply and "信息都对吗" in reply


async def test_eager_slots_are_not_asked_again(settings: Settings) -> None:
    chat = Chat(Runtime(settings, flows=[EagerDemoForm()]))
    await chat("/self_screening")
    assert "城镇还是农村" in await chat("老王，家里5口人")
    assert "收入" in await chat("城镇")  # the household size was already known


async def test_senders_do_not_share_a_form(settings: Settings) -> None:
    runtime = Runtime(settings, flows=[DemoForm()])
    first, second = Chat(runtime, "a"), Chat(runtime, "b")
    await first("/self_screening")
    await first("甲")
    assert "没太明白" in await second("城镇")
    assert (await second.session()).flow is None
