"""口述办: the region rule checked by the use-case, for the chat as for the console."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend.service import Backend
from backend.staff import ENV_ADMIN
from base.messages import UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from services.container import Services
from services.intake import IntakeFacts
from tests.services.conftest import OTHER_TOWNSHIP, TOWNSHIP, valid_id

ID = valid_id("43090219580101123")
# 金花坪社区 is in 大码头街道, not in 长春镇.
ACCOUNT = (
    "口述办 申请人王建国，男，身份证{id}，电话13807371234，住金花坪社区，家里两口人，"
    "一年收入两万四，申请低保"
)


def facts(**extra: object) -> IntakeFacts:
    values: dict[str, object] = {
        "name": "王建国",
        "id_number": ID,
        "phone": "13807371234",
        "household_size": 2,
        "monthly_income": 2000,
        "township": TOWNSHIP,
        "village": "二港村",
        "residence": "rural",
        "programs": ["dibao"],
    }
    values.update(extra)
    return IntakeFacts.model_validate(values)


@pytest.fixture
async def runtime(backend_settings: Settings) -> AsyncIterator[Runtime]:
    runtime = Runtime(backend_settings.model_copy(update={"redis_url": None}))
    yield runtime
    await runtime.aclose()


async def chat(runtime: Runtime, sender: str, text: str) -> str:
    replies = await runtime.engine.handle(UserMessage("telegram", sender, text))
    return "\n".join(reply.text for reply in replies)


async def intake_by_chat(runtime: Runtime, sender: str, token: str) -> str:
    await chat(runtime, sender, f"/bind {token}")
    found = await chat(runtime, sender, ACCOUNT.format(id=ID))
    assert "2个人的年龄" in found  # one age (the 身份证号's) for two: asked, never copied
    await chat(runtime, sender, "68、65")
    await chat(runtime, sender, "居民已同意")
    summary = await chat(runtime, sender, "居民已同意")
    assert "金花坪社区" in summary
    return await chat(runtime, sender, "确认无误")


async def test_a_caseworker_cannot_file_for_another_township_by_chat(
    runtime: Runtime, backend: Backend
) -> None:
    _, token = backend.create_staff("李经办", "caseworker", TOWNSHIP)
    await chat(runtime, "900001", f"/bind {token}")
    found = await chat(runtime, "900001", ACCOUNT.format(id=ID))
    assert "这户在大码头街道，不在您的辖区（长春镇）" in found  # at once, not at the end
    await chat(runtime, "900001", "68、65")
    await chat(runtime, "900001", "居民已同意")
    await chat(runtime, "900001", "居民已同意")
    reply = await chat(runtime, "900001", "确认无误")
    assert "没有作为申请提交" in reply and "已把这份记录转给大码头街道的工作人员" in reply
    [case] = backend.list_cases()  # passed on to that township, not dropped
    assert (case.kind, case.township) == ("discovery_report", "大码头街道")
    detail = backend.case_detail(case.case_no)
    assert "王建国" in detail.summary and "长春镇" in detail.summary


async def test_the_caseworker_of_that_township_and_an_admin_can(
    runtime: Runtime, backend: Backend
) -> None:
    _, token = backend.create_staff("张干事", "caseworker", "大码头街道")
    assert "已代居民提交申请（口述办）" in await intake_by_chat(runtime, "900002", token)
    [case] = backend.list_cases()
    assert (case.channel, case.township) == ("口述办", "大码头街道")
    backend.transition(case.case_no, "withdrawn", "测试撤回", "test")
    _, admin_token = backend.create_staff("孙管理", "admin")
    assert "已代居民提交申请（口述办）" in await intake_by_chat(runtime, "900003", admin_token)


def test_the_use_case_refuses_outside_the_region_and_an_impersonal_admin(
    services: Services, backend: Backend
) -> None:
    caseworker, _ = backend.create_staff("李经办", "caseworker", TOWNSHIP)
    agreed = ["commitment", "authorisation"]
    outside = services.intake.record(caseworker, facts(township=OTHER_TOWNSHIP), agreed)
    assert (outside.result, outside.region) == ("outside_region", TOWNSHIP)
    assert services.intake.record(ENV_ADMIN, facts(), agreed).result == "not_a_person"
    missing = services.intake.record(caseworker, facts(phone=None), agreed)
    assert missing.result == "incomplete" and missing.check and missing.check.missing == ["phone"]
    assert services.intake.record(caseworker, facts(), ["commitment"]).result == "missing_consents"
    assert backend.list_cases() == []


def test_an_intake_for_two_programs_files_two_cases_recorded_by_the_staff_member(
    services: Services, backend: Backend
) -> None:
    caseworker, _ = backend.create_staff("李经办", "caseworker", TOWNSHIP)
    outcome = services.intake.record(
        caseworker, facts(programs=["dibao", "medical"]), ["commitment", "authorisation"]
    )
    assert outcome.result == "filed" and outcome.application is not None
    assert [(p.program, p.result) for p in outcome.application.programs] == [
        ("dibao", "created"),
        ("medical", "created"),
    ]
    for case in outcome.application.cases:
        detail = backend.case_detail(case.case_no)
        assert detail.recorded_by == caseworker.id and detail.channel == "口述办"
        assert detail.summary.startswith("口述办：王建国")
        assert len(detail.consents) == 2


def test_the_fact_extractor_is_a_seam(backend: Backend) -> None:
    seen: list[tuple[str, str]] = []

    def extractor(account: str, region: str) -> IntakeFacts:
        seen.append((account, region))
        return facts(name="替身")

    services = Services(backend.settings, backend=backend, fact_extractor=extractor)
    assert services.intake.extract("任意口述").name == "替身"
    assert seen == [("任意口述", backend.settings.region)]


def test_the_extractor_is_the_one_fact_extractor() -> None:
    """口述办 reads an account with ``nlu.facts.extract_facts``, as the chat forms read every
    message: the same members, conditions and money, kept for the household."""
    from nlu.answers.reading import fact_json
    from nlu.facts import extract_facts as read_facts
    from services.intake_facts import extract_facts

    account = "户主62岁，老伴58岁，大儿子32岁智力残疾二级，小儿子28岁精神残疾三级，一年收入一万多"
    found = read_facts(account, "hunan-yiyang-ziyang")
    facts = extract_facts(account, "hunan-yiyang-ziyang")
    assert facts.household["conditions"]["disabled"] == fact_json(found["disabled"])
    assert facts.household["ages"] == found["ages"] == [62, 58, 32, 28]
    assert facts.monthly_income == found["monthly_income"] == 833
    assert facts.conditions == ["disability"]
