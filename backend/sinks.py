"""Ready-made sinks for the dispatcher. Chat sinks are registered by the bot."""

from __future__ import annotations

import httpx

from backend.outbox import Delivery, Sink


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
