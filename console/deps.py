"""Request dependencies: the console state, the signed-in staff member, checked forms."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status

from api.deps import admin_staff, ensure_region, region_of
from console.security import ConsoleSession, same_token
from console.state import SESSION_COOKIE, ConsoleState
from console.web import LoginRequired

__all__ = ["admin_staff", "ensure_region", "region_of"]


def get_state(request: Request) -> ConsoleState:
    return request.state.console  # type: ignore[no-any-return]  # set by build_router


StateDep = Annotated[ConsoleState, Depends(get_state)]


def signed_in(request: Request, state: StateDep) -> ConsoleSession:
    """The session of the cookie; a deactivated account's sessions end at once."""
    session = state.sessions.get(state.signer.unsign(request.cookies.get(SESSION_COOKIE)))
    if session is None:
        raise LoginRequired
    return session


SessionDep = Annotated[ConsoleSession, Depends(signed_in)]


def checked_form(session: SessionDep, csrf: Annotated[str, Form()] = "") -> ConsoleSession:
    """The session of a form post whose CSRF token matches (403 otherwise)."""
    if not same_token(csrf, session.csrf):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "表单已失效（安全校验未通过），请刷新页面后重新提交。"
        )
    return session


FormSessionDep = Annotated[ConsoleSession, Depends(checked_form)]
