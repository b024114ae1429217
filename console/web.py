"""Rendering: the Jinja2 templates, security headers on every answer, error pages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from backend.clock import CHINA, local_day, utcnow
from backend.programs import program_name
from console.security import ConsoleSession

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
PREFIX = "/console"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class LoginRequired(Exception):
    """The request has no valid session."""


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a console path of this site, else the work queue."""
    fallback = f"{PREFIX}/requests"
    if not target or not target.startswith(f"{PREFIX}/") or "//" in target or "\\" in target:
        return fallback
    if target.startswith((f"{PREFIX}/login", f"{PREFIX}/logout", f"{PREFIX}/static/")):
        return fallback
    return target


def _cst(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime(fmt)


def _num(value: object) -> object:
    """1200.0 → 1200 (money and counts read better without a trailing .0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@lru_cache(maxsize=16)
def static_version(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def static_url(name: str) -> str:
    return f"{PREFIX}/static/{name}?v={static_version(name)}"


def _today() -> date:
    return local_day(utcnow())


def deadline_mark(deadline: date | None, soon_days: int = 2) -> str:
    """'overdue', 'soon' (due within ``soon_days``) or '' for a case's stage deadline."""
    if deadline is None:
        return ""
    left = (deadline - _today()).days
    if left < 0:
        return "overdue"
    return "soon" if left <= soon_days else ""


def deadline_label(deadline: date | None) -> str:
    """What the mark says: 已超期, 今天到期, 明天到期, 2天内到期 (or nothing)."""
    mark = deadline_mark(deadline)
    if mark != "soon" or deadline is None:
        return "已超期" if mark == "overdue" else ""
    return {0: "今天到期", 1: "明天到期"}.get((deadline - _today()).days, "2天内到期")


def page_context(session: ConsoleSession, active: str, **extra: Any) -> dict[str, Any]:
    """What every signed-in page shows: who, the navigation, the CSRF token, messages."""
    return {
        "staff": session.staff,
        "csrf": session.csrf,
        "flashes": session.take_flashes(),
        "active": active,
        **extra,
    }


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cst"] = _cst
    env.filters["program"] = program_name
    env.filters["num"] = _num
    env.globals["static_url"] = static_url
    env.globals["today"] = _today
    env.globals["deadline_mark"] = deadline_mark
    env.globals["deadline_label"] = deadline_label
    env.globals["prefix"] = PREFIX
    return env


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    html = environment().get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status_code, "message": message}, status_code)


def _is_fetch(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"


def secure(response: Response, *, cache: bool = False) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not cache:
        response.headers["Cache-Control"] = "no-store"
    return response


class ConsoleRoute(APIRoute):
    """Every console answer carries the security headers; errors become Chinese pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except LoginRequired:
                if _is_fetch(request):
                    response = Response("请重新登录", status_code=401)
                elif request.method == "GET" and request.url.path != f"{PREFIX}/requests":
                    # Back to the page asked for (a case linked from a staff alert) after sign-in.
                    wanted = request.url.path + (
                        f"?{request.url.query}" if request.url.query else ""
                    )
                    response = redirect(f"{PREFIX}/login?{urlencode({'next': wanted})}")
                else:
                    response = redirect(f"{PREFIX}/login")
            except HTTPException as exc:
                response = error_page(request, exc.status_code, str(exc.detail))
            except RequestValidationError:
                response = error_page(
                    request, 422, "提交的内容不完整或格式不对，请返回检查后重试。"
                )
            return secure(response, cache=request.url.path.startswith(f"{PREFIX}/static/"))

        return handle
