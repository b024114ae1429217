"""Ready-made sinks for the dispatcher: the staff webhook and the server log.

Chat sinks (Telegram) are made by their channel and registered by the process that
runs it (``bot.runtime``).
"""

from __future__ import annotations

import logging

import httpx

from backend.outbox import Delivery, Sink
from base.privacy import mask_text

log = logging.getLogger("jiuzhu.staff")


def webhook_sink(url: str, client: httpx.AsyncClient | None = None) -> Sink:
    """POST each notification as JSON to ``url`` with an ``Idempotency-Key`` header;
    any non-2xx answer counts as a failure (and is retried)."""

    async def deliver(delivery: Delivery) -> None:
        body = {"key": delivery.key, "case_no": delivery.case_no, **delivery.payload}
        headers = {"Idempotency-Key": delivery.key}
        if client is not None:
            response = await client.post(url, json=body, headers=headers)
        else:
            async with httpx.AsyncClient(timeout=10) as own:
                response = await own.post(url, json=body, headers=headers)
        response.raise_for_status()

    return deliver


async def log_sink(delivery: Delivery) -> None:
    """``staff:log``, a deployment without a staff channel: the server log (masked).

    A warning, so it shows under any logging set-up: nobody else is told."""
    log.warning("staff notification %s: %s", delivery.key, mask_text(delivery.text))
