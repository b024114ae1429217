"""Status look-ups: failures counted per case in the database, whoever asks and wherever."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend.service import Backend
from base.messages import UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from services.container import Services
from tests.services.conftest import TOWNSHIP, staff_rows, valid_id

ID = valid_id("43090219580101123")


def open_case(backend: Backend, id_number: str = ID) -> str:
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant={"name": "王建国", "id_number": id_number},
        township=TOWNSHIP,
    )
    assert outcome.case is not None
    return outcome.case.case_no


def lock_notices(backend: Backend) -> list[str]:
    return [row.payload["text"] for row in staff_rows(backend) if row.key.startswith("limit:")]


@pytest.fixture
async def two_processes(backend_settings: Settings) -> AsyncIterator[tuple[Runtime, Runtime]]:
    """Two assistants on one database, as two server processes would be."""
    settings = backend_settings.model_copy(update={"redis_url": None})
    first, second = Runtime(settings), Runtime(settings)
    yield first, second
    await first.aclose()
    await second.aclose()


async def say(runtime: Runtime, channel: str, sender: str, text: str) -> str:
    replies = await runtime.engine.handle(UserMessage(channel, sender, text))
    return "\n".join(reply.text for reply in replies)


async def test_two_senders_on_two_channels_share_one_count_per_case(
    two_processes: tuple[Runtime, Runtime], backend: Backend
) -> None:
    web, telegram = two_processes
    case_no = open_case(backend)
    for left, wrong in ((4, "111111"), (3, "222222"), (2, "333333")):
        assert "最后6位" in await say(web, "rest", "guesser-a", f"查进度 {case_no}")
        assert f"还可以再试{left}次" in await say(web, "rest", "guesser-a", wrong)
    # Another sender, another channel, another process: the same count goes on.
    assert "最后6位" in await say(telegram, "telegram", "777", f"查进度 {case_no}")
    assert "还可以再试1次" in await say(telegram, "telegram", "777", "444444")
    assert "最后6位" in await say(telegram, "telegram", "778", f"查进度 {case_no}")
    locked = await say(telegram, "telegram", "778", "555555")
    assert "失败次数太多" in locked and case_no not in locked
    # Now even the right last 6, from a fresh sender, shows nothing before the hour is up.
    again = await say(web, "rest", "fresh-sender", f"查进度 {case_no}")
    assert "失败次数太多" in again and "最后6位" not in again and "当前进度" not in again
    # Staff of the case's township are told once.
    [notice] = lock_notices(backend)
    assert case_no in notice and ID not in notice
    assert [r.township for r in staff_rows(backend) if r.key.startswith("limit:")] == [TOWNSHIP]


def test_a_lock_is_per_case_and_the_right_answer_does_not_count(
    services: Services, backend: Backend
) -> None:
    status = services.status
    guessed, other = open_case(backend), open_case(backend, valid_id("43090219600101123"))
    assert status.look_up(other, ID[-6:]).result == "not_found"  # wrong person's last 6
    assert status.look_up(guessed, ID[-6:]).result == "found"
    for left in (4, 3, 2, 1):
        outcome = status.look_up(guessed, "000000")
        assert (outcome.result, outcome.left) == ("not_found", left)
    assert status.look_up(guessed, "000000").result == "locked"
    locked = status.look_up(guessed, ID[-6:])
    assert locked.result == "locked" and locked.case is None and locked.minutes == 60
    assert status.look_up(guessed.lower(), ID[-6:]).result == "locked"  # same case, typed lower
    # The other case still opens with its own applicant's last 6.
    assert status.look_up(other, valid_id("43090219600101123")[-6:]).result == "found"
    assert status.locked(other) is None
    # More tries while locked tell staff nothing more.
    status.look_up(guessed, "000000")
    assert len(lock_notices(backend)) == 1


def test_a_made_up_number_locks_too_but_staff_hear_nothing(
    services: Services, backend: Backend
) -> None:
    for _ in range(5):
        services.status.look_up("JZ20200101-9999", "123456")
    assert services.status.locked("JZ20200101-9999") is not None
    assert lock_notices(backend) == []
