"""``GET /health``: does this process reach its session store and its database?

200 with ``{"status": "ok", ...}`` when both answer; 503 naming what does not, so a
load balancer or ``docker compose`` takes a process whose Redis is gone out of service
instead of it quietly keeping sessions somewhere else.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from backend.redis_store import SessionStoreUnavailable


def build_router(runtime: Any) -> APIRouter:
    router = APIRouter(tags=["运维 operations"])

    def database_answers() -> None:
        with runtime.backend.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    @router.get("/health", summary="健康检查：会话存储和数据库是否可用")
    async def health() -> JSONResponse:
        checks: dict[str, str] = {}
        ping = getattr(runtime.store, "ping", None)
        try:
            if ping is not None:
                await ping()
            checks["sessions"] = "ok"
        except SessionStoreUnavailable as exc:
            checks["sessions"] = str(exc)
        except Exception as exc:  # any failure is reported, not raised
            checks["sessions"] = f"会话存储不可用：{type(exc).__name__}"
        try:
            await runtime.services.run(database_answers)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"数据库不可用：{type(exc).__name__}"
        healthy = all(value == "ok" for value in checks.values())
        body = {"status": "ok" if healthy else "unavailable", **checks}
        return JSONResponse(body, status_code=200 if healthy else 503)

    return router
