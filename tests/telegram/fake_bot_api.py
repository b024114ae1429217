"""A local stand-in for the Telegram Bot API, served over real HTTP on 127.0.0.1.

python-telegram-bot talks to it exactly as to Telegram (``base_url``). It implements
the methods the bot uses, answers with real Bot API objects, records every call, and
can be told to answer 429 (flood control) or 403 (blocked by the user). Updates for
long polling are queued with ``push``; ``getUpdates`` honours ``offset`` like Telegram,
and ``redeliver`` hands out an update again regardless of the offset (what Telegram
does when a poller restarts before confirming).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "123456:TEST-token"
BOT_ID = 123456
JSON_FIELDS = {"reply_markup", "allowed_updates", "entities"}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int  # the HTTP status we answered
    at: float  # time.monotonic() when it was answered


class FakeBotAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: list[dict[str, Any]] = []  # every message "sent", as answered
        self.flood: dict[str, list[tuple[int, int]]] = {}  # method -> [(after n ok, retry_after)]
        self.blocked: set[int] = set()
        self._ok_counts: dict[str, int] = {}
        self._updates: list[dict[str, Any]] = []
        self._again: list[dict[str, Any]] = []
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- control from the tests ----------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def push(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)

    def redeliver(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._again.append(update)

    @property
    def redelivery_pending(self) -> bool:
        with self._lock:
            return bool(self._again)

    def flood_after(self, method: str, ok_calls: int, retry_after: int) -> None:
        """Answer 429 to ``method`` once, after ``ok_calls`` more successful calls."""
        with self._lock:
            done = self._ok_counts.get(method, 0)
            self.flood.setdefault(method, []).append((done + ok_calls, retry_after))

    def sent(self, method: str = "sendMessage", **match: Any) -> list[dict[str, Any]]:
        """Successful calls of ``method`` whose params contain ``match``."""
        with self._lock:
            calls = list(self.calls)
        return [
            c.params
            for c in calls
            if c.method == method
            and c.status == 200
            and all(c.params.get(k) == v for k, v in match.items())
        ]

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self.messages if m["chat"]["id"] == chat_id]

    def refused(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and c.status != 200]

    # -- the server ----------------------------------------------------------------------
    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        )
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[sock])),  # type: ignore[union-attr]
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Bot API did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != TOKEN:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        method = request.path_params["method"]
        params = await _params(request)
        status, body = await self._answer(method, params)
        with self._lock:
            self.calls.append(Call(method, params, status, time.monotonic()))
            if status == 200:
                self._ok_counts[method] = self._ok_counts.get(method, 0) + 1
        return JSONResponse(body, status_code=status)

    async def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            floods = self.flood.get(method, [])
            due = [f for f in floods if f[0] <= self._ok_counts.get(method, 0)]
            if due:
                floods.remove(due[0])
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {due[0][1]}",
                    "parameters": {"retry_after": due[0][1]},
                }
        chat_id = params.get("chat_id")
        if method == "sendMessage" and chat_id in self.blocked:
            return 403, {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            }
        if method == "getMe":
            return 200, _ok(BOT_USER)
        if method == "getUpdates":
            return 200, _ok(await self._get_updates(params))
        if method in {"setWebhook", "deleteWebhook", "answerCallbackQuery"}:
            return 200, _ok(True)
        if method == "sendMessage":
            message = self._message(chat_id, params)
            with self._lock:
                self.messages.append(message)
            return 200, _ok(message)
        if method in {"editMessageReplyMarkup", "editMessageText"}:
            message = self._message(chat_id, params)
            message["message_id"] = params.get("message_id")
            return 200, _ok(message)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
        while True:
            with self._lock:
                if self._again:
                    again, self._again = self._again, []
                    return again
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates:
                    return list(self._updates)
            if time.monotonic() >= deadline:
                return []
            await asyncio.sleep(0.02)

    def _message(self, chat_id: Any, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(chat_id)
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message


BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "救助小助手",
    "username": "jiuzhu_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


async def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.form()
    params: dict[str, Any] = {}
    for key, value in form.items():
        text = str(value)
        if key in JSON_FIELDS:
            params[key] = json.loads(text)
        elif key in {"chat_id", "message_id"} and text.lstrip("-").isdigit():
            params[key] = int(text)
        else:
            params[key] = text
    return params


# -- real Update JSON ---------------------------------------------------------------------
_update_ids = itertools.count(5000)


def user(user_id: int, first_name: str = "居民") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}


def private_chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": "居民"}


def message_update(user_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(time.time()),
        "chat": private_chat(user_id),
        "from": user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": update_id or next(_update_ids), "message": message}


def group_message_update(user_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A message by ``user_id`` in the group ``chat_id`` (the staff group)."""
    update = message_update(user_id, text)
    update["message"]["chat"] = {"id": chat_id, "type": "supergroup", "title": "民政工作群"}
    update["message"]["from"] = user(user_id, "工作人员")
    return update


def contact_update(user_id: int, phone: str) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_update_ids),
            "date": int(time.time()),
            "chat": private_chat(user_id),
            "from": user(user_id),
            "contact": {"phone_number": phone, "first_name": "居民", "user_id": user_id},
        },
    }


def callback_update(user_id: int, data: str, message: dict[str, Any]) -> dict[str, Any]:
    """A press on a button of ``message`` (a message the bot sent, as the fake answered it)."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id, "工作人员" if message["chat"]["id"] < 0 else "居民"),
            "chat_instance": "-42",
            "data": data,
            "message": message,
        },
    }
