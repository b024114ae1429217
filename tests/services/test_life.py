"""A message that may mean danger to life: the urgent case marked ``life`` for staff."""

from __future__ import annotations

from backend.service import Backend
from services.container import Services
from tests.services.conftest import staff_rows


def test_a_life_threatening_case_is_announced_as_such_and_due_the_same_day(
    services: Services, backend: Backend
) -> None:
    plain = services.chat_cases.urgent(chat_channel="rest", sender="u0", summary="家里没米了")
    opened = services.chat_cases.urgent(
        chat_channel="rest", sender="u1", summary="我妈晕倒了叫不醒", life=True
    )
    assert opened.case.priority == "life" and plain.case.priority == "urgent"
    assert opened.case.deadline is not None and opened.case.deadline == plain.case.deadline
    alert = staff_rows(backend)[-1].payload
    assert alert["priority"] == "life"
    assert alert["text"].startswith("【危及生命】") and opened.case.case_no in alert["text"]
    assert not staff_rows(backend)[0].payload["text"].startswith("【危及生命】")
    assert services.chat_cases.waiting_urgent(chat_channel="rest", sender="u1") == opened.case
    assert backend.work_queue()[0].case_no == opened.case.case_no


def test_a_note_raises_an_urgent_case_to_life_and_tells_staff(
    services: Services, backend: Backend
) -> None:
    opened = services.chat_cases.urgent(chat_channel="rest", sender="u2", summary="救命")
    newer = services.chat_cases.urgent(chat_channel="rest", sender="u3", summary="家里漏水")
    assert backend.work_queue()[0].case_no == newer.case.case_no  # the newest first, for now
    services.chat_cases.add_note(
        opened.case.case_no,
        "可能危及生命，居民说：他没有呼吸了",
        staff_text=f"【危及生命】{opened.case.case_no} 居民说：他没有呼吸了",
        life=True,
    )
    detail = backend.case_detail(opened.case.case_no)
    assert detail.priority == "life"
    assert "priority" in [e.action for e in detail.events]
    assert backend.work_queue()[0].case_no == opened.case.case_no
    alert = staff_rows(backend)[-1].payload
    assert alert["priority"] == "life" and alert["text"].startswith("【危及生命】")


def test_a_place_in_the_opener_or_a_later_note_sets_the_township(
    services: Services, backend: Backend
) -> None:
    """probeI W4/W27: a place named anywhere in the urgent conversation, so that
    township's caseworker sees the case; a place already set is kept."""
    named = services.chat_cases.urgent(
        chat_channel="rest", sender="u4", summary="长春镇二港村 老人倒在地上", life=True,
        place_text="长春镇二港村 老人倒在地上",
    )  # fmt: skip
    assert named.case.township == "长春镇"
    later = services.chat_cases.urgent(chat_channel="rest", sender="u5", summary="不想活了")
    assert later.case.township == ""
    services.chat_cases.add_note(
        later.case.case_no, "居民补充：俺在新桥河镇 枫树村", staff_text="补充",
        place_text="俺在新桥河镇 枫树村 你来吧",
    )  # fmt: skip
    assert backend.case_detail(later.case.case_no).township == "新桥河镇"
    services.chat_cases.add_note(
        later.case.case_no, "居民补充：长春镇", staff_text="补充", place_text="长春镇"
    )
    assert backend.case_detail(later.case.case_no).township == "新桥河镇"
