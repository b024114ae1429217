"""Messages to a resident on WeChat that the resident did not just ask for: status
changes, staff replies, check-in reminders.

WeChat lets an account send customer-service messages (客服消息) for 48 hours after the
resident's last message; after that only a template message (模板消息, a template the
account chose in 公众平台, ``JIUZHU_WECHAT_TEMPLATE_ID``) reaches them. ``push`` sends the
former within the window, the latter outside it when a template is set, and otherwise
raises ``CannotReach`` so the caller can fall back to SMS.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wechatpy.exceptions import WeChatClientException

from backend.clock import CHINA, utcnow
from base.datafiles import load_yaml
from base.privacy import mask_text
from base.texts import compile_text, render
from channels.texts import channel_text
from channels.wechat.api import OUT_OF_WINDOW, UNSUBSCRIBED

if TYPE_CHECKING:
    from backend.contacts import Contacts
    from channels.wechat.webhook import WeChatChannel

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=48) - timedelta(minutes=10)  # a margin for clocks and queues


class CannotReach(Exception):
    """This channel cannot deliver the message to this resident now."""


def template_data(text: str) -> dict[str, dict[str, str]]:
    """The template's fields (``channels/wechat/template.yml``) filled with the message."""
    fields: dict[str, Any] = load_yaml(Path(__file__).with_name("template.yml"))["data"]
    values = {"text": text, "time": utcnow().astimezone(CHINA).strftime("%Y-%m-%d %H:%M")}
    filled: dict[str, dict[str, str]] = {}
    for name, spec in fields.items():
        value = render(compile_text(str(spec["value"])), **values)
        limit = int(spec.get("max_chars", 200))
        filled[name] = {"value": value[:limit]}
    return filled


class WeChatPusher:
    def __init__(self, channel: WeChatChannel, contacts: Contacts) -> None:
        self.channel = channel
        self.contacts = contacts
        self.template_id = channel.services.settings.wechat_template_id

    async def push(self, openid: str, text: str) -> None:
        run = self.channel.services.run
        if self.channel.api is None:
            raise CannotReach("JIUZHU_WECHAT_APPID / JIUZHU_WECHAT_SECRET are not set")
        last = await run(self.contacts.last_used, "wechat", openid)
        if last is not None and utcnow() - last < WINDOW:
            try:
                await self.channel.send_text(openid, text)
                return
            except WeChatClientException as exc:
                if exc.errcode == UNSUBSCRIBED:
                    raise CannotReach("unsubscribed") from exc
                if exc.errcode != OUT_OF_WINDOW:
                    raise
        if not self.template_id or self.channel.api is None:
            raise CannotReach("outside the 48-hour window and no template")
        try:
            await run(
                self.channel.api.message.send_template,
                openid,
                self.template_id,
                template_data(text),
            )
        except WeChatClientException as exc:
            if exc.errcode == UNSUBSCRIBED:
                raise CannotReach("unsubscribed") from exc
            raise
        log.info("template message to %s (outside the 48 hours)", mask_text(openid))


class WeChatSink:
    """The outbox sink of residents on WeChat: ``push``, else ``fallback`` (SMS)."""

    def __init__(self, pusher: WeChatPusher, fallback: Any = None) -> None:
        self.pusher = pusher
        self.fallback = fallback

    async def __call__(self, delivery: Any) -> None:
        openid = str(getattr(delivery, "chat_sender", None) or delivery.payload.get("sender", ""))
        text = delivery.text
        titles = [str(b.get("title", "")) for b in delivery.payload.get("buttons") or []]
        if titles:  # a push has no numbered choices of the conversation: words to reply
            text += "\n" + channel_text("wechat.push_choices", titles=[t for t in titles if t])
        try:
            await self.pusher.push(openid, text)
        except CannotReach as exc:
            log.info("WeChat cannot reach %s (%s)", mask_text(openid), exc)
            if self.fallback is not None:
                await self.fallback(delivery)
