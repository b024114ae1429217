"""``POST /model/parse`` (Rasa format): ``{"text": "…"}`` → intent, entities, ranking."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

MAX_TEXT = 5000


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail})


def build_router(runtime: Any) -> APIRouter:
    router = APIRouter(tags=["nlu"])

    @router.post("/model/parse", summary="解析一句话的意图和实体（Rasa 格式）")
    async def parse(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body() or b"null")
        except (ValueError, UnicodeDecodeError):
            return _problem(400, "请求内容不是合法的 JSON。")
        if not isinstance(body, dict) or "text" not in body:
            return _problem(422, "请求中缺少 text 字段。")
        text = body["text"]
        if not isinstance(text, str):
            return _problem(422, "text 字段应为字符串。")
        if len(text) > MAX_TEXT:
            return _problem(422, f"text 过长（最多 {MAX_TEXT} 字）。")
        return JSONResponse(runtime.interpreter.parse(text).to_json())

    return router
