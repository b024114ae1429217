"""Replies to our SMS (上行短信): ``POST /webhooks/sms/aliyun`` and ``/webhooks/sms/tencent``.

The provider posts what residents answered; ``TD`` / ``退订`` (and the like) stops SMS to
that number, ``恢复`` resumes. The callback URL set in the provider's console carries
``?token=<JIUZHU_SMS_INBOUND_TOKEN>``; without that setting the routes answer 404.

Bodies: Alibaba Cloud posts a JSON list of ``{"phone_number", "content", …}``; Tencent
Cloud posts one ``{"mobile", "nationcode", "text", …}``. Each is answered the way its
provider expects (``{"code": 0}`` / ``{"result": 0}``).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend import sms

if TYPE_CHECKING:
    from services.container import Services

log = logging.getLogger(__name__)

STOP = re.compile(r"^\s*(TD|T|N|退订|退|取消短信|不要短信)\s*[。.!！]?\s*$", re.IGNORECASE)
RESUME = re.compile(r"^\s*(恢复|恢复短信)\s*$")
MAX_BODY_BYTES = 256 * 1024


def replies(provider: str, data: Any) -> list[tuple[str, str]]:
    """(phone, text) of each reply in the provider's body."""
    if provider == "aliyun":
        items = data if isinstance(data, list) else [data]
        return [
            (str(item.get("phone_number", "")), str(item.get("content", "")))
            for item in items
            if isinstance(item, dict)
        ]
    if isinstance(data, dict):
        return [(str(data.get("mobile", "")), str(data.get("text", "")))]
    return []


def build_router(services: Services) -> APIRouter:
    router = APIRouter(tags=["渠道 channels"])
    answers = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}

    @router.post("/webhooks/sms/{provider}", summary="短信上行（回复 TD 退订）")
    async def inbound(provider: str, request: Request, token: str = "") -> Any:
        expected = services.settings.sms_inbound_token
        if provider not in answers or not expected:
            return JSONResponse(status_code=404, content={"detail": "not found"})
        if not hmac.compare_digest(token.encode(), expected.encode()):
            return JSONResponse(status_code=403, content={"detail": "forbidden"})
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse(status_code=413, content={"detail": "too large"})
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return JSONResponse(status_code=400, content={"detail": "not JSON"})
        for phone, text in replies(provider, data):
            stop, resume = STOP.match(text), RESUME.match(text)
            if len(sms.normalise_phone(phone)) != 11 or not (stop or resume):
                continue
            await services.run(sms.set_stopped, services.backend, phone, bool(stop))
            log.info("SMS %s by %s", "stopped" if stop else "resumed", sms.mask_phone(phone))
        return answers[provider]

    return router
