"""A dispatcher process for the kill test: delivers to a FileReceiver and hangs for good
right after showing the N-th message, before it can be marked delivered.

Usage: python outbox_worker.py DATABASE_URL RECEIVED_FILE HANG_AT LEASE_SECONDS
"""

from __future__ import annotations

import sys
from pathlib import Path

import anyio

from backend.db import Database
from backend.outbox import Delivery, Dispatcher
from tests.backend.receiver import FileReceiver


async def main(url: str, received: str, hang_at: int, lease: float) -> None:
    receiver = FileReceiver(Path(received))

    async def show_then_maybe_hang(delivery: Delivery) -> None:
        await receiver.show(delivery)
        if len(receiver.shown()) >= hang_at:
            print("hanging", flush=True)
            await anyio.sleep_forever()

    dispatcher = Dispatcher(Database(url), {"staff:log": show_then_maybe_hang}, lease_seconds=lease)
    await dispatcher.run()


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
