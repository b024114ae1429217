"""Outbox dispatcher: at-least-once delivery, retries with back-off, idempotency keys,
and a dispatcher killed mid-delivery (a real process, SIGKILL) then restarted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import anyio
import httpx
from sqlalchemy import select

from backend.clock import utcnow
from backend.models import OutboxMessage
from backend.outbox import Delivery
from backend.service import Backend
from backend.sinks import webhook_sink
from tests.backend.conftest import applicant, valid_id
from tests.backend.receiver import FileReceiver

ROOT = Path(__file__).resolve().parents[2]


def open_cases(backend: Backend, n: int) -> list[str]:
    numbers = []
    for i in range(n):
        outcome = backend.create_case(
            "application",
            programs=["dibao"],
            applicant=applicant(valid_id(f"43090219900101{i:03d}")),
            channel="网上办",
            chat_channel="rest",
            chat_sender=f"u{i}",
            township="新桥河镇",
        )
        assert outcome.case is not None
        numbers.append(outcome.case.case_no)
    return numbers


def outbox(backend: Backend) -> list[OutboxMessage]:
    with backend.db.session() as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_delivers_each_message_and_leaves_other_sinks_pending(
    backend: Backend, tmp_path: Path
) -> None:
    numbers = open_cases(backend, 2)
    backend.transition(numbers[0], "accepted", "", "staff:1")  # + staff and resident rows
    receiver = FileReceiver(tmp_path / "staff.jsonl")
    backend.register_sink("staff:log", receiver.show)
    anyio.run(backend.dispatcher().drain)
    shown = receiver.shown()
    assert [item["key"] for item in shown] == [
        m.key for m in outbox(backend) if m.sink == "staff:log"
    ]
    assert len(shown) == 3
    states = {(m.sink, m.status) for m in outbox(backend)}
    assert states == {("staff:log", "delivered"), ("resident:inbox", "pending")}


def test_failing_sink_is_retried_with_back_off_then_given_up(backend: Backend) -> None:
    open_cases(backend, 1)
    calls: list[int] = []

    async def flaky(delivery: Delivery) -> None:
        calls.append(delivery.attempt)
        if len(calls) < 3:
            raise ConnectionError("staff channel down")

    backend.register_sink("staff:log", flaky)
    anyio.run(backend.dispatcher(base_delay=0.0).drain)
    [row] = outbox(backend)
    assert calls == [1, 2, 3]
    assert (row.status, row.attempts) == ("delivered", 3)
    assert "staff channel down" in (row.last_error or "")

    assert backend.create_case("feedback", channel="网上办", summary="x").created

    async def broken(_: Delivery) -> None:
        raise ConnectionError("still down")

    backend.register_sink("staff:log", broken)
    slow = backend.dispatcher(base_delay=10.0)
    before = utcnow()
    assert anyio.run(slow.run_once) == 1
    row = outbox(backend)[-1]
    assert row.status == "pending" and row.attempts == 1
    # 10 s ± 20 % jitter after the failure, which happened between `before` and now
    assert row.next_attempt_at >= before + timedelta(seconds=8)
    assert row.next_attempt_at <= utcnow() + timedelta(seconds=12)
    assert anyio.run(slow.run_once) == 0  # not due yet: backing off
    with backend.db.session() as session:
        session.get(OutboxMessage, row.id).next_attempt_at = utcnow()  # type: ignore[union-attr]
    give_up = backend.dispatcher(base_delay=0.0, max_attempts=3)
    anyio.run(give_up.drain)
    row = outbox(backend)[-1]
    assert (row.status, row.attempts) == ("dead", 3)


def test_cancelled_mid_delivery_then_restarted(backend: Backend, tmp_path: Path) -> None:
    open_cases(backend, 3)
    receiver = FileReceiver(tmp_path / "shown.jsonl")

    second_shown = anyio.Event()

    async def stuck_on_second(delivery: Delivery) -> None:
        await receiver.show(delivery)
        if len(receiver.shown()) == 2:
            second_shown.set()
            await anyio.sleep_forever()

    async def first_run() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(backend.dispatcher(lease_seconds=0.5).run)
            with anyio.fail_after(30):
                await second_shown.wait()
            group.cancel_scope.cancel()  # the dispatcher is cancelled inside the sink

    backend.register_sink("staff:log", stuck_on_second)
    anyio.run(first_run)
    assert [m.status for m in outbox(backend)] == ["delivered", "pending", "pending"]
    time.sleep(0.6)  # the lease of the cancelled dispatcher runs out
    backend.register_sink("staff:log", receiver.show)
    anyio.run(backend.dispatcher(lease_seconds=0.5).drain)
    assert [m.status for m in outbox(backend)] == ["delivered"] * 3
    assert [item["key"] for item in receiver.shown()] == [m.key for m in outbox(backend)]
    assert receiver.duplicates == [outbox(backend)[1].key]


def test_killed_dispatcher_process_loses_nothing_and_shows_nothing_twice(
    backend: Backend, database_url: str, tmp_path: Path
) -> None:
    open_cases(backend, 5)
    received = tmp_path / "received.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("outbox_worker.py")),
            database_url,
            str(received),
            "3",
            "1.0",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        assert (
            worker.stdout.readline().strip() == "hanging"
        )  # it showed the 3rd, not yet acknowledged
    finally:
        worker.kill()
        worker.wait(timeout=10)
    rows = outbox(backend)
    assert [m.status for m in rows] == ["delivered", "delivered", "pending", "pending", "pending"]
    assert rows[2].attempts == 1 and rows[2].claimed_until is not None
    assert len(FileReceiver(received).shown()) == 3

    time.sleep(1.1)  # the dead worker's lease expires
    receiver = FileReceiver(received)
    backend.register_sink("staff:log", receiver.show)
    anyio.run(backend.dispatcher(lease_seconds=1.0).drain)
    rows = outbox(backend)
    assert [m.status for m in rows] == ["delivered"] * 5
    keys = [item["key"] for item in receiver.shown()]
    assert keys == [m.key for m in rows]  # everything shown, in order, once
    assert receiver.duplicates == [rows[2].key]  # the redelivery was dropped by its key
    assert rows[2].attempts == 2


def test_webhook_sink_sends_the_idempotency_key_and_retries_errors(backend: Backend) -> None:
    [no] = open_cases(backend, 1)
    seen: list[tuple[str, dict[str, object]]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers["Idempotency-Key"], json.loads(request.content)))
        return httpx.Response(503 if len(seen) == 1 else 200)

    async def deliver_all() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
            backend.register_sink("staff:log", webhook_sink("http://hooks.test/jiuzhu", http))
            await backend.dispatcher(base_delay=0.0).drain()

    anyio.run(deliver_all)
    assert [key for key, _ in seen] == [f"{no}:created:staff"] * 2
    assert seen[0][1]["case_no"] == no and "4309" in str(seen[0][1]["text"])
    assert outbox(backend)[0].status == "delivered"


def test_resident_rows_carry_the_chat_address_and_wait_in_the_inbox(backend: Backend) -> None:
    [no] = open_cases(backend, 1)
    backend.transition(no, "accepted", "材料齐全", "staff:1")
    backend.message_resident(no, "请带户口本", "staff:1")
    got: list[Delivery] = []

    async def resident(delivery: Delivery) -> None:
        got.append(delivery)

    backend.register_sink("resident:inbox", resident)  # even so, nobody dispatches the inbox
    backend.register_sink("resident:telegram", resident)
    anyio.run(backend.dispatcher().drain)
    assert got == []
    rows = [m for m in outbox(backend) if m.sink.startswith("resident:")]
    assert [(m.sink, m.chat_channel, m.chat_sender, m.status) for m in rows] == [
        ("resident:inbox", "rest", "u0", "pending")
    ] * 2
    assert backend.take_inbox("rest", "u1") == []  # another resident's
    texts = backend.take_inbox("rest", "u0")
    assert len(texts) == 2 and "已受理" in texts[0] and "请带户口本" in texts[1]
    assert backend.take_inbox("rest", "u0") == []  # taken once
    assert {m.status for m in outbox(backend) if m.sink == "resident:inbox"} == {"delivered"}


def test_an_at_most_once_row_is_not_sent_again_after_a_dispatcher_died(backend: Backend) -> None:
    from backend.outbox import enqueue

    with backend.db.session() as session:
        for key, once in (("reminder:1:2026Q4:end", True), ("ordinary", False)):
            enqueue(
                session,
                sink="resident:telegram",
                key=key,
                chat_channel="telegram",
                chat_sender=key,  # one chat each: delivered side by side
                payload={"text": key, "at_most_once": once},
            )
    shown: list[str] = []
    both = anyio.Event()

    async def dies_after_sending(delivery: Delivery) -> None:
        shown.append(delivery.key)
        if len(shown) == 2:
            both.set()
        await anyio.sleep_forever()  # the process dies before it hears back

    async def first_run() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(backend.dispatcher(lease_seconds=0.3).run)
            with anyio.fail_after(30):
                await both.wait()
            group.cancel_scope.cancel()

    backend.register_sink("resident:telegram", dies_after_sending)
    anyio.run(first_run)
    assert sorted(shown) == ["ordinary", "reminder:1:2026Q4:end"]
    time.sleep(0.4)  # the leases run out

    async def works(delivery: Delivery) -> None:
        shown.append(delivery.key)

    backend.register_sink("resident:telegram", works)
    anyio.run(backend.dispatcher(lease_seconds=0.3).drain)
    # the ordinary row is delivered again (at least once), the reminder is not (at most once)
    assert sorted(shown[2:]) == ["ordinary"]
    states = {m.key: m.status for m in outbox(backend)}
    assert states == {"reminder:1:2026Q4:end": "sending", "ordinary": "delivered"}


def test_a_failed_at_most_once_row_is_tried_again(backend: Backend) -> None:
    from backend.outbox import enqueue

    with backend.db.session() as session:
        enqueue(
            session,
            sink="resident:telegram",
            key="reminder:2:2026Q4:end",
            payload={"text": "x", "at_most_once": True, "sender": "9"},
        )
    calls: list[int] = []

    async def flaky(delivery: Delivery) -> None:
        calls.append(delivery.attempt)
        if len(calls) == 1:
            raise ConnectionError("not sent: the network is down")

    backend.register_sink("resident:telegram", flaky)
    anyio.run(backend.dispatcher(base_delay=0.0).drain)
    assert calls == [1, 2]
    assert [m.status for m in outbox(backend)] == ["delivered"]
