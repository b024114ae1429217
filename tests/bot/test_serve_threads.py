"""``jiuzhu serve`` runs its synchronous calls (database work of turns and the API) on
``JIUZHU_SERVE_THREADS`` threads per process, not anyio's default 40."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import anyio
import anyio.to_thread

from base.settings import Settings
from bot.app import create_app


async def test_no_more_synchronous_calls_run_at_once_than_the_threads_set(
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'threads.db'}", serve_threads=3)
    app = create_app(settings)
    running, most = 0, 0
    guard = threading.Lock()

    def call() -> None:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with guard:
            running -= 1

    async with app.router.lifespan_context(app), anyio.create_task_group() as tasks:
        for _ in range(10):
            tasks.start_soon(anyio.to_thread.run_sync, call)
    assert most == 3
