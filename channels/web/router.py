"""The web chat page (H5) served by ``jiuzhu serve``: ``/chat`` and its endpoints.

* ``GET /chat`` — the page (its CSS and script under ``/chat/static/``, nothing external);
* ``POST /chat/session`` — ``{"token": "…"}``, a signed anonymous session
  (``channels.web.tokens``); a page that still has a valid token gets it back;
* ``POST /chat/messages`` — ``{"token", "message"}`` → the REST channel's reply list;
* ``GET /chat/events?token=…`` — server-sent events: messages waiting for the resident
  (``channels.web.inbox``) as ``message`` events with ``{"text": …}``;
* ``POST /chat/speech`` — ``{"token", "text"}`` → ``audio/wav`` (espeak-ng), 503 when
  speech is not installed.

The sender id comes from the token, never from the page (channel ``web``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sse_starlette.sse import EventSourceResponse

from base.messages import Assistant, UserMessage
from channels.ratelimit import MessageLimits, client_address, too_fast
from channels.rest import render
from channels.texts import channel_text
from channels.web.inbox import Inbox
from channels.web.speech import Speech
from channels.web.tokens import SessionTokens

CHANNEL = "web"
PREFIX = "/chat"
HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
MAX_BODY_BYTES = 16 * 1024
POLL_SECONDS = 1.0  # how often an open event stream looks for waiting messages
PING_SECONDS = 15  # keeps proxies from closing an idle stream
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
PAGE_TEXTS = [
    "title",
    "subtitle",
    "big_text",
    "big_text_on",
    "big_text_off",
    "input_label",
    "placeholder",
    "send",
    "read_aloud",
    "stop_reading",
    "new_chat",
    "new_chat_confirm",
    "choices_hint",
    "log_label",
    "you",
    "bot",
    "pushed",
    "connecting",
    "offline",
    "send_failed",
    "speech_failed",
    "no_script",
]


def _say(name: str) -> str:
    return channel_text(f"web.{name}")


def _refuse(status: int, name: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": _say(name)}, headers=HEADERS)


def _page() -> str:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
    )
    texts = {name: _say(name) for name in PAGE_TEXTS}
    return env.get_template("chat.html").render(
        texts=texts,
        texts_json=json.dumps(texts, ensure_ascii=False),
        prefix=PREFIX,
    )


async def _json_body(request: Request) -> dict[str, Any] | JSONResponse:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _refuse(413, "too_long")
    try:
        data = json.loads(body) if body else {}
    except (ValueError, UnicodeDecodeError):
        return _refuse(400, "not_json")
    if not isinstance(data, dict):
        return _refuse(400, "not_json")
    return data


def build_router(
    assistant: Assistant,
    secret_key: str,
    inbox: Inbox,
    *,
    speech: Speech | None = None,
    poll_seconds: float = POLL_SECONDS,
    limits: MessageLimits | None = None,
    old_keys: Sequence[str] = (),
) -> APIRouter:
    tokens = SessionTokens(secret_key, old_keys)
    speech = speech or Speech()
    router = APIRouter(prefix=PREFIX, tags=["渠道 channels"])
    page = _page()

    @router.get("", include_in_schema=False, response_class=HTMLResponse)
    async def chat_page() -> HTMLResponse:
        return HTMLResponse(page, headers=HEADERS)

    @router.get("/static/{name}", include_in_schema=False)
    async def static_file(name: str) -> Response:
        path = STATIC_DIR / name
        kind = STATIC_TYPES.get(path.suffix)
        if kind is None or "/" in name or name.startswith(".") or not path.is_file():
            raise HTTPException(404)
        return Response(path.read_bytes(), media_type=kind, headers={"Cache-Control": "no-cache"})

    @router.post("/session", summary="网页聊天：领取匿名会话令牌")
    async def session(request: Request) -> Any:
        data = await _json_body(request)
        if isinstance(data, JSONResponse):
            return data
        token = data.get("token")
        if tokens.sender(token) is None:
            _sender, token = tokens.issue()
        return JSONResponse({"token": token, "speech": speech.available}, headers=HEADERS)

    @router.post("/messages", summary="网页聊天：发一条消息，收到回复列表（同 REST 渠道）")
    async def messages(request: Request) -> Any:
        data = await _json_body(request)
        if isinstance(data, JSONResponse):
            return data
        sender = tokens.sender(data.get("token"))
        if sender is None:
            return _refuse(401, "bad_token")
        message = data.get("message", "")
        if message is None:
            message = ""
        if not isinstance(message, str):
            return _refuse(422, "message_not_text")
        if limits is not None:
            wait = await limits.check(CHANNEL, sender, client_address(request))
            if wait is not None:
                return too_fast(wait, headers=HEADERS)
        replies = await assistant.handle(UserMessage(CHANNEL, sender, message))
        return JSONResponse(render(sender, replies), headers=HEADERS)

    @router.get("/events", summary="网页聊天：等待中的消息（server-sent events）")
    async def events(request: Request, token: str = "") -> Any:
        sender = tokens.sender(token)
        if sender is None:
            return _refuse(401, "bad_token")

        async def stream() -> AsyncIterator[dict[str, str]]:
            yield {"event": "ready", "data": "{}"}
            while not await request.is_disconnected():
                for text in await inbox.take(CHANNEL, sender):
                    yield {
                        "event": "message",
                        "data": json.dumps({"text": text}, ensure_ascii=False),
                    }
                await anyio.sleep(poll_seconds)

        return EventSourceResponse(stream(), ping=PING_SECONDS, headers=HEADERS)

    @router.post("/speech", summary="网页聊天：朗读一条回复（WAV）")
    async def read_aloud(request: Request) -> Any:
        data = await _json_body(request)
        if isinstance(data, JSONResponse):
            return data
        if tokens.sender(data.get("token")) is None:
            return _refuse(401, "bad_token")
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            return _refuse(422, "nothing_to_read")
        if not speech.available:
            return _refuse(503, "no_speech")
        try:
            wav = await speech.wav(text)
        except ValueError:
            return _refuse(422, "nothing_to_read")
        except (RuntimeError, OSError):
            return _refuse(503, "no_speech")
        return Response(wav, media_type="audio/wav", headers=HEADERS)

    return router
