"""A local stand-in for WeChat's API server (``api.weixin.qq.com``), over real HTTP on
127.0.0.1: ``/cgi-bin/token``, customer-service messages, template messages and the
menu, answering with WeChat's JSON and errcodes. It can expire the tokens it gave
(40001), refuse customer-service messages outside the 48-hour window (45015) and
be slow to answer; it records every call."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

APPID = "wx1234567890abcdef"
SECRET = "test-app-secret-0123456789"


@dataclass
class Call:
    path: str
    params: dict[str, str]
    body: dict[str, Any]
    answer: dict[str, Any] = field(default_factory=dict)


class FakeWeChatAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.valid_tokens: set[str] = set()
        self.outside_window: set[str] = set()  # openids whose 48 hours are over
        self.unsubscribed: set[str] = set()
        self.delay = 0.0  # seconds before answering a token fetch
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def expire_tokens(self) -> None:
        with self._lock:
            self.valid_tokens.clear()

    def of(self, path: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.path == path]

    def texts_to(self, openid: str) -> list[str]:
        return [
            c.body["text"]["content"]
            for c in self.of("/cgi-bin/message/custom/send")
            if c.answer.get("errcode") == 0 and c.body.get("touser") == openid
        ]

    def templates_to(self, openid: str) -> list[dict[str, Any]]:
        return [
            c.body
            for c in self.of("/cgi-bin/message/template/send")
            if c.answer.get("errcode") == 0 and c.body.get("touser") == openid
        ]

    # -- the server ----------------------------------------------------------------------
    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = Starlette(
            routes=[Route("/cgi-bin/{rest:path}", self._endpoint, methods=["GET", "POST"])]
        )
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[sock])),  # type: ignore[union-attr]
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake WeChat API did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    async def _endpoint(self, request: Request) -> JSONResponse:
        path = request.url.path
        params = dict(request.query_params)
        raw = await request.body()
        body: dict[str, Any] = json.loads(raw) if raw else {}
        if path == "/cgi-bin/token" and self.delay:
            await asyncio.sleep(self.delay)
        answer = self._answer(path, params, body)
        with self._lock:
            self.calls.append(Call(path, params, body, answer))
        return JSONResponse(answer)

    def _answer(self, path: str, params: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        if path == "/cgi-bin/token":
            if params.get("appid") != APPID or params.get("secret") != SECRET:
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            token = f"ACCESS_TOKEN_{next(self._ids)}"
            with self._lock:
                self.valid_tokens.add(token)
            return {"access_token": token, "expires_in": 7200}
        with self._lock:
            known = params.get("access_token") in self.valid_tokens
        if not known:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        if path == "/cgi-bin/message/custom/send":
            user = body.get("touser", "")
            if user in self.unsubscribed:
                return {"errcode": 43004, "errmsg": "require subscribe"}
            if user in self.outside_window:
                return {
                    "errcode": 45015,
                    "errmsg": "response out of time limit or subscription is canceled",
                }
            if body.get("msgtype") != "text" or len(body["text"]["content"].encode()) > 2048:
                return {"errcode": 45002, "errmsg": "content size out of limit"}
            return {"errcode": 0, "errmsg": "ok"}
        if path == "/cgi-bin/message/template/send":
            if body.get("touser", "") in self.unsubscribed:
                return {"errcode": 43004, "errmsg": "require subscribe"}
            return {"errcode": 0, "errmsg": "ok", "msgid": next(self._ids)}
        if path == "/cgi-bin/menu/create":
            buttons = body.get("button", [])
            if not 1 <= len(buttons) <= 3 or any(len(b.get("sub_button", [])) > 5 for b in buttons):
                return {"errcode": 40016, "errmsg": "invalid button size"}
            return {"errcode": 0, "errmsg": "ok"}
        return {"errcode": 40066, "errmsg": "invalid url"}
