"""An ASGI guard in front of every route: bodies that would crash a handler are
answered with a Chinese 4xx before any handler sees them.

- a compressed request body (``Content-Encoding``) is refused: no client of ours sends
  one, and a small deflate body can grow to gigabytes;
- a JSON body (any content type but forms and uploads) is checked by ``base.jsonsafe``:
  too deep, NaN, lone surrogates, NUL, oversized integers → 422;
- a query value or path segment of only digits longer than 15 is refused (ids,
  offsets and cursors are never that large; the database would overflow).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote

from base.jsonsafe import json_problem

Scope = dict[str, Any]
_HUGE_NUMBER = re.compile(r"^[+-]?\d{16,}$")
# Chat messages may carry control characters (a paste); the engine cleans the text.
CHAT_PATHS = ("/webhooks/rest/", "/chat/")
# Platforms' callbacks carry long digit strings (WeChat's echostr and nonce) and are
# checked by their own signature.
PLATFORM_PATHS = ("/webhooks/wechat", "/webhooks/sms/")
MAX_BODY = 2 * 1024 * 1024  # uploads are larger: they are multipart and pass through
_MESSAGES = {
    415: "请不要压缩请求内容。",
    413: "请求内容太大。",
    422: "请求内容有误（嵌套过深、数字过大或含有无法保存的字符），请检查后重试。",
}


class HttpGuard:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not scope.get("path", "").startswith(PLATFORM_PATHS) and _huge_numbers(scope):
            await _refuse(send, 422)
            return
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            await _refuse(send, 415)
            return
        kind = headers.get("content-type", "")
        if scope["method"] not in ("POST", "PUT", "PATCH") or kind.startswith(
            ("multipart/", "application/x-www-form-urlencoded")
        ):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                await _refuse(send, 413)
                return
        chat = scope.get("path", "").startswith(CHAT_PATHS)
        if body.lstrip()[:1] in (b"{", b"[") and json_problem(body, allow_nul=chat) is not None:
            await _refuse(send, 422)
            return
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _huge_numbers(scope: Scope) -> bool:
    query = scope.get("query_string", b"").decode("latin-1")
    values = [v for _, v in parse_qsl(query, keep_blank_values=True)] if query else []
    segments = unquote(scope.get("path", "")).split("/")
    # a value shorter than 16 characters holds no 16 digits (the pattern is not tried)
    return any(len(v) >= 16 and _HUGE_NUMBER.match(v.strip()) for v in values + segments)


async def _refuse(send: Any, status: int) -> None:
    body = json.dumps({"detail": _MESSAGES[status]}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
