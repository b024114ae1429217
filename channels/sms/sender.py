"""Sending one SMS: a stopped number gets nothing, a message key goes out once.

``send`` claims the key in the database before the provider is called
(``backend.sms.claim``), so an outbox retry, a second process or a second reminder round
never sends the same message again; a passing failure gives the claim back and raises
(the outbox tries later), a rejection is kept as ``failed``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backend import sms
from base.datafiles import load_yaml
from channels.sms.providers import SmsProvider, SmsRejected, SmsUnavailable

if TYPE_CHECKING:
    from services.container import Services

log = logging.getLogger(__name__)


def templates() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(Path(__file__).with_name("templates.yml"))
    return data


class SmsSender:
    def __init__(self, services: Services, provider: SmsProvider) -> None:
        self.services = services
        self.provider = provider
        self.templates = templates()

    def template(self, kind: str) -> tuple[str, list[str]] | None:
        spec = self.templates.get(kind)
        if spec is None:
            raise KeyError(f"no SMS template kind {kind!r} in channels/sms/templates.yml")
        template_id = getattr(self.services.settings, spec["setting"], None)
        if not template_id and self.provider.name != "log":
            return None
        return str(template_id or f"log:{kind}"), list(spec["params"])

    async def send(self, key: str, phone: str, kind: str, params: dict[str, Any]) -> str:
        """``sent``, ``stopped`` (the number replied TD), ``duplicate``, ``no_template``,
        ``no_phone`` or ``failed``; raises ``SmsUnavailable`` for a later try."""
        backend = self.services.backend
        run = self.services.run
        phone = sms.normalise_phone(phone)
        if len(phone) != 11:
            return "no_phone"
        found = self.template(kind)
        if found is None:
            log.warning("SMS %s not sent: JIUZHU_%s is not set", key, kind.upper())
            return "no_template"
        template_id, order = found
        if await run(sms.is_stopped, backend, phone):
            if await run(sms.claim, backend, key, phone, template_id, self.provider.name):
                await run(sms.finish, backend, key, "stopped")
            return "stopped"
        if not await run(sms.claim, backend, key, phone, template_id, self.provider.name):
            return "duplicate"
        values = {name: str(params.get(name, "")) for name in order}
        try:
            message_id = await self.provider.send(phone, template_id, values, order, key)
        except SmsUnavailable:
            await run(sms.release, backend, key)
            raise
        except SmsRejected as exc:
            log.warning("SMS %s rejected by %s: %s", key, self.provider.name, exc)
            await run(sms.finish, backend, key, "failed", None, str(exc))
            return "failed"
        await run(sms.finish, backend, key, "sent", message_id)
        return "sent"
