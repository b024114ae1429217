"""``base.threads.run_sync``: a synchronous call off the event loop, with anyio's
promises (result or exception back, context copied, never abandoned when cancelled)."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest

from base import threads
from base.threads import run_sync

WHO = contextvars.ContextVar("who", default="nobody")


async def test_the_result_and_the_exception_come_back() -> None:
    assert await run_sync(lambda a, b: a + b, 2, 3) == 5

    def fails() -> None:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        await run_sync(fails)


async def test_the_call_runs_in_another_thread_with_the_callers_context() -> None:
    WHO.set("resident")
    where = await run_sync(lambda: (threading.get_ident(), WHO.get()))
    assert where == (where[0], "resident") and where[0] != threading.get_ident()


async def test_a_cancelled_caller_waits_for_the_call_to_end() -> None:
    ended = threading.Event()

    def slow() -> None:
        time.sleep(0.2)
        ended.set()

    task = asyncio.create_task(run_sync(slow))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ended.is_set()  # the call was not abandoned half-way


async def test_no_more_calls_run_at_once_than_threads_configured() -> None:
    threads.configure(2)
    running, most = 0, 0
    lock = threading.Lock()

    def call() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    try:
        await asyncio.gather(*(run_sync(call) for _ in range(8)))
    finally:
        threads.configure(threads.DEFAULT_THREADS)
    assert most == 2


async def test_serial_calls_run_one_at_a_time_in_their_order_on_one_thread() -> None:
    running, most = 0, 0
    order: list[int] = []
    where: set[int] = set()
    lock = threading.Lock()

    def call(n: int) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            running -= 1
            order.append(n)
            where.add(threading.get_ident())

    await asyncio.gather(*(threads.run_serial(call, n) for n in range(6)))
    assert most == 1 and order == list(range(6)) and len(where) == 1
    assert threading.get_ident() not in where
