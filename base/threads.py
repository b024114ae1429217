"""Synchronous calls (database, files) off the event loop, the lean way.

Every chat turn makes a few such calls (its rate counters, its session's lease and its
save; its contact and its inbox only when the read without waiting, ``Database.read_now``,
cannot answer); ``anyio.to_thread.run_sync`` costs several times the call itself in
bookkeeping (its capacity limiter, run-vars, cancel scopes, one queue per thread).
``run_sync`` here keeps anyio's promises — the context is copied into the thread, and
a call under way is never abandoned: a caller cancelled meanwhile waits for it to end,
then is cancelled — on a small thread pool (one queue) of ``JIUZHU_SERVE_THREADS`` threads
(``configure``, called when the server starts; 8 until then).

``run_serial`` is the same on one thread of its own, for the short write transactions of
an SQLite file on every message's path (its session's lease and save, its rate
counters): SQLite lets one writer in at a time anyway, and several threads waiting
together on the file's lock and on the interpreter's lock cost a REST turn about a
third more CPU than one thread taking those writes in turn.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio

T = TypeVar("T")
DEFAULT_THREADS = 8

_Job = tuple[
    asyncio.AbstractEventLoop,
    "asyncio.Future[Any]",
    contextvars.Context,
    Callable[..., Any],
    tuple[Any, ...],
]


class _Pool:
    """``threads`` threads taking calls from one queue, started as calls arrive."""

    def __init__(self, threads: int) -> None:
        self.size = threads
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._lock = threading.Lock()

    def submit(self, job: _Job) -> None:
        self._jobs.put(job)
        if self._idle <= 0 and len(self._threads) < self.size:
            with self._lock:
                if len(self._threads) < self.size:
                    thread = threading.Thread(
                        target=self._work, name=f"jiuzhu-sync-{len(self._threads)}", daemon=True
                    )
                    self._threads.append(thread)
                    thread.start()

    def _work(self) -> None:
        jobs = self._jobs
        while True:
            with self._lock:
                self._idle += 1
            job = jobs.get()
            with self._lock:
                self._idle -= 1
            if job is None:
                return
            loop, future, context, func, args = job
            del job
            try:
                result = context.run(func, *args)
            except BaseException as exc:  # handed to the caller, as anyio does
                _hand(loop, future, exc, failed=True)
            else:
                _hand(loop, future, result, failed=False)
            del loop, future, context, func, args

    def stop(self) -> None:
        """Let the threads end once the calls already queued are done."""
        for _ in self._threads:
            self._jobs.put(None)


def _hand(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], value: Any, *, failed: bool
) -> None:
    with contextlib.suppress(RuntimeError):  # a loop closed meanwhile: nobody waits
        loop.call_soon_threadsafe(_settle, future, value, failed)


def _settle(future: asyncio.Future[Any], value: Any, failed: bool) -> None:
    if future.done():
        return
    if failed:
        future.set_exception(value)
    else:
        future.set_result(value)


_lock = threading.Lock()
_pool: _Pool | None = None
_threads = DEFAULT_THREADS
_serial: _Pool | None = None


def configure(threads: int) -> None:
    """Use ``threads`` threads from now on (calls under way finish on the old ones)."""
    global _pool, _threads
    with _lock:
        if threads == _threads and _pool is not None:
            return
        old, _pool, _threads = _pool, None, threads
    if old is not None:
        old.stop()


def _current() -> _Pool:
    global _pool
    pool = _pool
    if pool is None:
        with _lock:
            if _pool is None:
                _pool = _Pool(_threads)
            pool = _pool
    return pool


def _one_thread() -> _Pool:
    global _serial
    pool = _serial
    if pool is None:
        with _lock:
            if _serial is None:
                _serial = _Pool(1)
            pool = _serial
    return pool


@atexit.register
def _stop_at_exit() -> None:
    for pool in (_pool, _serial):
        if pool is not None:
            pool.stop()


async def run_sync(func: Callable[..., T], /, *args: Any) -> T:
    """``func(*args)`` in a worker thread; its result (or its exception)."""
    return await _run(_current(), func, args)


async def run_serial(func: Callable[..., T], /, *args: Any) -> T:
    """``run_sync`` on the one thread of SQLite's short writes: calls run one at a time,
    in the order they came."""
    return await _run(_one_thread(), func, args)


async def _run(pool: _Pool, func: Callable[..., T], args: tuple[Any, ...]) -> T:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    pool.submit((loop, future, contextvars.copy_context(), func, args))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        if not future.done():  # never abandoned: wait for it, then be cancelled
            with anyio.CancelScope(shield=True):
                await asyncio.wait([future])
        raise
