"""A hand-off case as a conversation: what the resident writes after 转人工 and what
staff answer, refreshed while the page is open (like the requests page), and a reply
box that sends the answer into the resident's chat."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.errors import http_errors
from backend.errors import BackendError
from console.deps import FormSessionDep, SessionDep, StateDep
from console.web import PREFIX, ConsoleRoute, redirect, render

router = APIRouter(route_class=ConsoleRoute)


@router.get("/cases/{case_no}/conversation", summary="转人工对话（片段，供页面自动刷新）")
def conversation_rows(
    request: Request, case_no: str, state: StateDep, session: SessionDep
) -> Response:
    with http_errors():
        lines = state.services.handoffs.conversation(session.staff, case_no)
    return render(request, "_conversation.html", {"lines": lines})


@router.post("/cases/{case_no}/reply", summary="在转人工对话里答复居民")
def reply(
    case_no: str,
    state: StateDep,
    session: FormSessionDep,
    text: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    with http_errors():
        case_no = state.services.desk.case(session.staff, case_no).case_no
    try:
        state.services.handoffs.reply(session.staff, case_no, text.strip())
        session.flash("答复已发出，会送到居民原来的聊天里。")
    except BackendError as exc:
        session.flash(exc.message, "error")
    return redirect(f"{PREFIX}/cases/{case_no}#conversation")
