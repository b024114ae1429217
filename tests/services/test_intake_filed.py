"""口述办 by chat: what is filed is what the caseworker confirmed (probeC F2), read back
from the case after 确认无误."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend.service import Backend
from base.messages import UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from tests.services.conftest import TOWNSHIP


@pytest.fixture
async def runtime(backend_settings: Settings) -> AsyncIterator[Runtime]:
    runtime = Runtime(backend_settings.model_copy(update={"redis_url": None}))
    yield runtime
    await runtime.aclose()


async def chat(runtime: Runtime, sender: str, text: str) -> str:
    replies = await runtime.engine.handle(UserMessage("telegram", sender, text))
    return "\n".join(reply.text for reply in replies)


async def intake(runtime: Runtime, backend: Backend, sender: str, *turns: str) -> list[str]:
    _, token = backend.create_staff("李干事", "caseworker", TOWNSHIP)
    await chat(runtime, sender, f"/bind {token}")
    return [await chat(runtime, sender, turn) for turn in ("口述办", *turns)]


async def intake_more(runtime: Runtime, sender: str, *turns: str) -> list[str]:
    return [await chat(runtime, sender, turn) for turn in turns]


SON = (
    "二港村 符爱民 77岁 老伴叫曾冬梅七十四 还有个傻儿子 四十四岁 智力残疾二级 是三口人 "
    "两老一年种田加养老金八千多块钱 符爱民身份证430902194908080021 电话留我的 13973705566"
)


async def test_the_case_holds_the_ages_and_the_disability_confirmed(
    runtime: Runtime, backend: Backend
) -> None:
    replies = await intake(runtime, backend, "910001", SON, "低保")
    assert "3个人的年龄" in replies[-1]  # two ages for three members: asked, not made up
    summary = (await intake_more(runtime, "910001", "77 74 44", "居民已同意", "居民已同意"))[-1]
    assert "年龄：77岁、74岁、44岁" in summary, summary
    done = await chat(runtime, "910001", "确认无误")
    assert "已代居民提交申请" in done
    [case] = backend.list_cases()
    household = backend.case_detail(case.case_no).household or {}
    members = household["members"]
    print(members)
    assert [m["age"] for m in members] == [77, 74, 44]
    assert [m.get("disability_grade") for m in members] == [None, None, 2]


FIRE = (
    "二港村三组 杨丽 女 43岁 老公常年在外面打工 一个月寄回来三千左右 女儿杨梦琪十八岁在读高三 "
    "公公七十三岁 有糖尿病 家里四口人 身份证430902198305176022 电话13607374455 想申请临时救助"
)


async def test_an_age_not_said_is_asked_not_copied(runtime: Runtime, backend: Backend) -> None:
    replies = await intake(runtime, backend, "910002", FIRE)
    asked = "\n".join(replies[-1:])
    if "姓名" in asked:
        asked = await chat(runtime, "910002", "杨丽")
    assert "4个人的年龄" in asked
    replies = await intake_more(runtime, "910002", "43 45 18 73", "居民已同意", "居民已同意")
    assert "年龄：43岁、45岁、18岁、73岁" in replies[-1]
    assert "已代居民提交申请" in await chat(runtime, "910002", "确认无误")
    [case] = backend.list_cases()
    members = (backend.case_detail(case.case_no).household or {})["members"]
    assert [m["age"] for m in members] == [43, 45, 18, 73]


async def test_an_age_corrected_at_the_summary_is_the_one_filed(
    runtime: Runtime, backend: Backend
) -> None:
    account = (
        "二港村 刘建华 70岁 老伴68岁 两口人 一个月养老金九百 身份证43090219560315002X "
        "电话15873712246 申请低保"
    )
    replies = await intake(runtime, backend, "910003", account, "居民已同意", "居民已同意")
    assert "年龄：70岁、68岁" in replies[-1]
    corrected = await chat(runtime, "910003", "年龄改成72、68")
    if "年龄" in corrected and "请告诉我" in corrected:
        corrected = await chat(runtime, "910003", "72、68")
    if "按哪个填" in corrected:  # 72 against the ID's 70: asked once which is right (q2)
        corrected = await chat(runtime, "910003", "按前面说的：72岁")
    assert "年龄：72岁、68岁" in corrected
    assert "已代居民提交申请" in await chat(runtime, "910003", "确认无误")
    [case] = backend.list_cases()
    members = (backend.case_detail(case.case_no).household or {})["members"]
    assert [m["age"] for m in members] == [72, 68]
