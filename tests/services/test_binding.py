"""Binding a chat account to the roster: failures counted per roster entry and per
name + 身份证号 tried, in the database, across senders and channels."""

from __future__ import annotations

from backend.service import Backend
from services.container import Services
from tests.services.conftest import OTHER_TOWNSHIP, TOWNSHIP, import_roster, staff_rows, valid_id

ZHANG = valid_id("43090219500101123")
LI = valid_id("43090219580315222")
NOT_ON_ROSTER = valid_id("43092119620708001")


def roster(backend: Backend) -> None:
    import_roster(
        backend,
        ("张三", ZHANG, "13800000000", "低保", TOWNSHIP, "二港村"),
        ("李四", LI, "13900000002", "特困", OTHER_TOWNSHIP, "沙头村"),
    )


def lock_rows(backend: Backend) -> list[tuple[str, str]]:
    return [
        (r.township, r.payload["text"]) for r in staff_rows(backend) if r.key.startswith("limit:")
    ]


def test_guesses_at_one_roster_entry_lock_it_whoever_guesses(
    services: Services, backend: Backend
) -> None:
    roster(backend)
    binding = services.binding
    tries = [  # five senders, two channels, names and phones varied: one roster entry
        ("rest", "a", "张四", "13800000000"),
        ("rest", "b", "张五", "13800000000"),
        ("telegram", "1", "张三", "13911112222"),
        ("telegram", "2", "张六", "13800000000"),
    ]
    for left, (channel, sender, name, phone) in zip((4, 3, 2, 1), tries, strict=True):
        outcome = binding.bind(channel, sender, name, ZHANG, phone)
        assert (outcome.result, outcome.left) == ("not_found", left)
    assert binding.bind("rest", "c", "张七", ZHANG, "13800000000").result == "locked"
    # Locked: even the right name and phone, from the person's own new chat, wait.
    right = binding.bind("telegram", "owner", "张三", ZHANG, "13800000000")
    assert right.result == "locked" and right.recipient is None and right.minutes == 60
    assert binding.recipient_for("telegram", "owner") is None
    # Another roster entry is not touched.
    other = binding.bind("rest", "li", "李四", LI, "13900000002")
    assert other.result == "bound" and other.recipient is not None
    # The entry's township staff are told once, with the ID masked.
    [(township, text)] = lock_rows(backend)
    assert township == TOWNSHIP and "张三" in text and ZHANG not in text
    binding.bind("rest", "d", "张八", ZHANG, "13800000000")
    assert len(lock_rows(backend)) == 1


def test_a_name_and_number_not_on_the_roster_are_limited_too(
    services: Services, backend: Backend
) -> None:
    roster(backend)
    binding = services.binding
    for left, sender in zip((4, 3, 2, 1), "abcd", strict=True):
        outcome = binding.bind("rest", sender, "王五", NOT_ON_ROSTER, "13700000000")
        assert (outcome.result, outcome.left) == ("not_found", left)
    assert binding.bind("rest", "e", "王五", NOT_ON_ROSTER, "13700000000").result == "locked"
    assert binding.bind("telegram", "f", "王五", NOT_ON_ROSTER, "13700000000").result == "locked"
    assert lock_rows(backend) == []  # no roster entry, no township to tell
    # The real entries are still open.
    assert binding.bind("rest", "g", "张三", ZHANG, "13800000000").result == "bound"


def test_binding_works_at_once_and_failures_before_do_not_block_it(
    services: Services, backend: Backend
) -> None:
    roster(backend)
    binding = services.binding
    assert binding.bind("rest", "x", "张三", ZHANG, "13800000001").result == "not_found"
    bound = binding.bind("rest", "x", "张三", ZHANG, "13800000000")
    assert bound.result == "bound" and bound.recipient is not None
    assert bound.recipient.id_masked == "4309**********" + ZHANG[-4:]
    assert binding.recipient_for("rest", "x") == bound.recipient
