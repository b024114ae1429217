"""The staff HTTP API of the case backend: ``build_router(runtime)``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from api import cases, checkins, notifications, roster, staff, stats


def build_router(runtime: Any) -> APIRouter:
    """All backend routes under ``/api``; ``runtime.backend`` serves them."""

    def bind_backend(request: Request) -> None:
        request.state.backend = runtime.backend

    router = APIRouter(prefix="/api", dependencies=[Depends(bind_backend)])
    for module in (cases, staff, roster, checkins, notifications, stats):
        router.include_router(module.router)
    return router
