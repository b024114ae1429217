"""Proactive follow-up (政策找人): consent in the chat keeps the household; a changed
standard tells a household that newly may qualify exactly once; withdrawal erases it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from backend import followup
from backend.models import OutboxMessage
from backend.outbox import Delivery
from backend.service import Backend
from base.messages import UserMessage
from base.settings import Settings
from bot.cli import main
from bot.runtime import Runtime
from flows.followup import rescreen_region
from policies.screening import screen
from services.container import Services

REGION = "hunan-yiyang-ziyang"
BEFORE, AFTER = date(2022, 12, 1), date(2023, 1, 2)  # 城市低保 600 → 650 元 on 2023-01-01

# One person, 68, in town, 620 yuan a month: above the 2022 standard, below the 2023 one.
HOUSEHOLD: dict[str, Any] = {
    "region": REGION,
    "residence": "urban",
    "members": [{"age": 68, "relation": "self"}],
    "monthly_income": 620,
    "assets": {"deposits": 1000, "vehicles": 0, "houses": 1},
    "supporters_able": False,
}


@pytest.fixture
def backend(settings: Settings) -> Iterator[Backend]:
    backend = Backend(settings)
    backend.migrate()
    yield backend
    backend.close()


def statuses(on: date) -> dict[str, str]:
    return {p.program: p.status for p in screen(HOUSEHOLD, today=on).programs}


def keep(backend: Backend, sender: str = "42") -> None:
    followup.subscribe(
        backend,
        "telegram",
        sender,
        region=REGION,
        household=HOUSEHOLD,
        statuses=statuses(BEFORE),
        consent_version="test-v1",
        screened_on=BEFORE,
    )


def resident_rows(backend: Backend) -> list[OutboxMessage]:
    with backend.db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.sink.like("resident:%"))  # type: ignore[attr-defined]
        return list(session.execute(query).scalars())


def test_the_household_changes_category_between_the_two_standards() -> None:
    assert statuses(BEFORE)["dibao"] != "likely"
    assert statuses(AFTER)["dibao"] == "likely"


def test_a_changed_standard_produces_the_message_once_not_twice(backend: Backend) -> None:
    keep(backend)
    assert (
        rescreen_region(Services.around(backend), REGION, date(2022, 12, 20)) == 0
    )  # same standard
    assert rescreen_region(Services.around(backend), REGION, AFTER) == 1
    assert rescreen_region(Services.around(backend), REGION, AFTER) == 0
    assert rescreen_region(Services.around(backend), REGION, date(2023, 3, 1)) == 0
    rows = resident_rows(backend)
    assert len(rows) == 1
    payload = rows[0].payload
    assert (payload["chat_channel"], payload["sender"]) == ("telegram", "42")
    assert "低保" in payload["text"] and "取消通知" in payload["text"]
    assert "初步测算" in payload["text"]


async def test_the_message_is_delivered_to_the_resident_sink_once(backend: Backend) -> None:
    keep(backend)
    rescreen_region(Services.around(backend), REGION, AFTER)
    rescreen_region(Services.around(backend), REGION, AFTER)
    delivered: list[Delivery] = []

    async def sink(delivery: Delivery) -> None:
        delivered.append(delivery)

    backend.register_sink("resident:telegram", sink)  # the follow-up was kept from Telegram
    await backend.dispatcher().drain()
    assert [d.payload["sender"] for d in delivered] == ["42"]


def test_other_regions_and_withdrawn_consent_are_left_alone(backend: Backend) -> None:
    keep(backend, "a")
    keep(backend, "b")
    assert followup.withdraw(backend, "telegram", "b")
    assert not followup.withdraw(backend, "telegram", "b")  # only once
    assert not followup.is_subscribed(backend, "telegram", "b")
    assert rescreen_region(Services.around(backend), "another-region", AFTER) == 0
    assert rescreen_region(Services.around(backend), REGION, AFTER) == 1
    assert [r.payload["sender"] for r in resident_rows(backend)] == ["a"]
    with backend.db.session() as session:
        gone = session.execute(
            select(followup.FollowupSubscription).where(followup.FollowupSubscription.sender == "b")
        ).scalar_one()
        assert gone.household == {} and gone.statuses == {}  # erased, not just flagged


def test_the_command_rescreens_with_a_given_date(
    backend: Backend, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    keep(backend)
    monkeypatch.setenv("JIUZHU_DATABASE_URL", settings.database_url)
    assert main(["followup", "rescreen", "--date", "2023-01-02"]) == 0
    assert "1 户" in capsys.readouterr().out
    assert main(["followup", "rescreen", "--date", "2023-01-02"]) == 0
    assert "0 户" in capsys.readouterr().out
    assert len(resident_rows(backend)) == 1


async def test_consent_in_the_chat_keeps_the_screened_household(settings: Settings) -> None:
    runtime = Runtime(settings)
    sender = f"u-{uuid.uuid4().hex[:6]}"

    async def say(text: str) -> str:
        replies = await runtime.engine.handle(UserMessage("rest", sender, text))
        return "\n".join(r.text for r in replies)

    try:
        for answer in ("/self_screening", "城镇", "1", "68", "5", "500", "1000"):
            await say(answer)
        for answer in ("没有", "1套", "没有", "没有"):
            await say(answer)
        assert "初步测算结果" in await say("确认无误")
        assert "授权说明" in await say("/followup_consent")
        assert not followup.is_subscribed(runtime.backend, "rest", sender)  # not before 同意
        assert "已开通" in await say("同意")
        with runtime.backend.db.session() as session:
            row = session.execute(select(followup.FollowupSubscription)).scalar_one()
            assert row.sender == sender and row.active
            assert row.household["members"][0]["age"] == 68
            assert row.household["monthly_income"] == 500
            assert row.statuses["dibao"] == "likely"
            assert row.consent_version.startswith("followup-")
        assert "已取消政策变化提醒" in await say("取消通知")  # the button shown last turn
        assert not followup.is_subscribed(runtime.backend, "rest", sender)
    finally:
        await runtime.aclose()
