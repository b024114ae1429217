"""Sign-in with a staff token, sign-out."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from console.deps import FormSessionDep, StateDep
from console.security import same_token
from console.state import LOGIN_COOKIE, SESSION_COOKIE, ConsoleState
from console.web import PREFIX, ConsoleRoute, redirect, render, safe_next

router = APIRouter(route_class=ConsoleRoute)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_page(
    request: Request,
    state: ConsoleState,
    message: str = "",
    status_code: int = 200,
    next_path: str = "",
) -> HTMLResponse:
    """The sign-in form with a fresh pre-session CSRF pair (cookie + hidden field)."""
    nonce = secrets.token_urlsafe(24)
    csrf = state.signer.sign(f"login:{nonce}").rpartition(".")[2]
    context = {"csrf": csrf, "message": message, "next": safe_next(next_path)}
    response = render(request, "login.html", context, status_code)
    response.set_cookie(
        LOGIN_COOKIE,
        state.signer.sign(nonce),
        max_age=3600,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login", summary="工作台登录页")
def login_form(
    request: Request, state: StateDep, next: Annotated[str, Query(max_length=300)] = ""
) -> Response:
    return _login_page(request, state, next_path=next)


@router.post("/login", summary="工作台登录（表单字段 token）")
def login(
    request: Request,
    state: StateDep,
    token: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    address = _address(request)
    if state.sessions.signin_blocked(address):
        return _login_page(
            request, state, "登录失败次数过多，请15分钟后再试，或联系管理员。", 429, next
        )
    nonce = state.signer.unsign(request.cookies.get(LOGIN_COOKIE))
    expected = state.signer.sign(f"login:{nonce}").rpartition(".")[2] if nonce else ""
    if not nonce or not same_token(csrf, expected):
        return _login_page(request, state, "登录页已过期，请重新输入令牌。", 403, next)
    staff = state.backend.staff_for_token(token.strip())
    if staff is None:
        state.sessions.signin_failed(address)
        return _login_page(request, state, "访问令牌无效或已停用，请核对后重试。", 401, next)
    previous = state.signer.unsign(request.cookies.get(SESSION_COOKIE))
    if previous:
        state.sessions.end(previous)  # a new session id at every sign-in
    session = state.sessions.create(staff)
    response = redirect(safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        state.signer.sign(session.sid),
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE, path=PREFIX, httponly=True, samesite="strict")
    return response


@router.post("/logout", summary="退出工作台")
def logout(state: StateDep, session: FormSessionDep) -> Response:
    state.sessions.end(session.sid)
    response = redirect(f"{PREFIX}/login")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX, httponly=True, samesite="strict")
    return response
