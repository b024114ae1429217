"""The staff HTTP API of the case backend: ``build_router(runtime)``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from api import cases, checkins, notifications, roster, staff, stats


def build_router(runtime: Any) -> APIRouter:
    """All backend routes under ``/api``; ``runtime.services`` (the use-cases) and
    ``runtime.backend`` serve them (a runtime with only a backend gets services around it)."""
    from services.container import Services

    services: Services | None = getattr(runtime, "services", None)

    def bind_backend(request: Request) -> None:
        nonlocal services
        if services is None:
            services = Services.around(runtime.backend)
        request.state.backend = runtime.backend
        request.state.services = services

    router = APIRouter(prefix="/api", dependencies=[Depends(bind_backend)])
    for module in (cases, staff, roster, checkins, notifications, stats):
        router.include_router(module.router)
    return router
