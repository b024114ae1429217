"""Staff web console under ``/console``: server-rendered Chinese pages over the ``Backend``.

``build_router(runtime)`` gives every console route; ``runtime.backend`` serves them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from console.state import ConsoleState
from console.web import PREFIX, ConsoleRoute, redirect


def build_router(runtime: Any, state: ConsoleState | None = None) -> APIRouter:
    from console import auth, casepage, checkins, handoff, inbox, intake, static, stats

    console = state or ConsoleState(runtime)

    def bind_state(request: Request) -> None:
        request.state.console = console

    router = APIRouter(
        prefix=PREFIX,
        dependencies=[Depends(bind_state)],
        include_in_schema=False,
        route_class=ConsoleRoute,
    )

    @router.get("")
    def home() -> Response:
        return redirect(f"{PREFIX}/requests")

    for module in (auth, static, inbox, casepage, handoff, intake, checkins, stats):
        router.include_router(module.router)

    @router.api_route("/{path:path}", methods=["GET", "POST"])
    def not_found(path: str) -> Response:
        raise HTTPException(404, "没有这个页面。")

    return router
