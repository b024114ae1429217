"""Request dependencies: the console state, the signed-in staff member, checked forms."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status
from sqlalchemy import select

from api.deps import admin_staff, ensure_region, region_of
from backend.models import Staff
from backend.schemas import StaffPublic
from console.security import ConsoleSession, same_token
from console.state import SESSION_COOKIE, ConsoleState
from console.web import LoginRequired

__all__ = ["admin_staff", "ensure_region", "region_of"]


def get_state(request: Request) -> ConsoleState:
    return request.state.console  # type: ignore[no-any-return]  # set by build_router


StateDep = Annotated[ConsoleState, Depends(get_state)]


def _still_allowed(state: ConsoleState, staff: StaffPublic) -> bool:
    """A deactivated account (or a removed admin token) ends its sessions at once."""
    if staff.id is None:
        return bool(state.backend.staff.admin_token)
    with state.backend.db.session() as session:
        active = session.execute(select(Staff.active).where(Staff.id == staff.id)).scalar()
    return bool(active)


def signed_in(request: Request, state: StateDep) -> ConsoleSession:
    sid = state.signer.unsign(request.cookies.get(SESSION_COOKIE))
    session = state.sessions.get(sid)
    if session is None:
        raise LoginRequired
    if not _still_allowed(state, session.staff):
        state.sessions.end(session.sid)
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
