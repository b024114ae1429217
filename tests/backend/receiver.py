"""A receiving end for outbox tests: shows each message once, dropping repeats by key.

It stands for a channel that keeps what it has shown (a chat transcript, a webhook
receiver honouring ``Idempotency-Key``); the file is what the person "sees"."""

from __future__ import annotations

import json
import os
from pathlib import Path

from backend.outbox import Delivery


class FileReceiver:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.duplicates: list[str] = []

    def shown(self) -> list[dict[str, str]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text("utf-8").splitlines() if line]

    async def show(self, delivery: Delivery) -> None:
        if any(item["key"] == delivery.key for item in self.shown()):
            self.duplicates.append(delivery.key)
            return
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(
                json.dumps({"key": delivery.key, "text": delivery.text}, ensure_ascii=False) + "\n"
            )
            handle.flush()
            os.fsync(handle.fileno())
