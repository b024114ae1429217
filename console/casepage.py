"""One case: facts, screening, history, transitions, audited reveal, message to the resident."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.errors import http_errors
from backend.errors import BackendError
from backend.schemas import CaseDetail
from console.deps import FormSessionDep, SessionDep, StateDep
from console.labels import labels
from console.security import ConsoleSession
from console.state import ConsoleState
from console.web import PREFIX, ConsoleRoute, page_context, redirect, render

router = APIRouter(route_class=ConsoleRoute)


def _allowed_case(state: ConsoleState, session: ConsoleSession, case_no: str) -> str:
    """The case number, after checking the case exists and is in the staff member's region."""
    with http_errors():
        return state.services.desk.case(session.staff, case_no).case_no


def _deadline_rule(state: ConsoleState, detail: CaseDetail) -> str:
    rule = state.backend.rules.deadline_rule(detail.kind, detail.status, detail.priority)
    if rule is None:
        return ""
    if rule.days == 0:
        return "当天处理"
    unit = "个工作日" if rule.unit == "working" else "天"
    start = "受理之日" if rule.start == "accepted" else "进入本阶段之日"
    text = f"自{start}起{rule.days}{unit}"
    if rule.extended_days:
        text += f"（特殊情况可延长至{rule.extended_days}{unit}）"
    return text


def _consent_titles() -> dict[str, str]:
    from services.consents import application_consents

    return {item.id: item.title for item in application_consents()}


def _page(
    request: Request, state: ConsoleState, session: ConsoleSession, detail: CaseDetail
) -> Response:
    words = labels()
    context = page_context(
        session,
        "requests",
        case=detail,
        deadline_rule=_deadline_rule(state, detail),
        verbs=words["transition_verbs"],
        actions=words["actions"],
        statuses=state.backend.rules.labels,
        words=words,
        consent_titles=_consent_titles(),
    )
    return render(request, "case.html", context)


@router.get("/cases/{case_no}", summary="案件详情")
def case_page(request: Request, case_no: str, state: StateDep, session: SessionDep) -> Response:
    with http_errors():
        detail = state.services.desk.detail(session.staff, case_no)
    return _page(request, state, session, detail)


@router.post("/cases/{case_no}/reveal", summary="查看完整身份证号（留痕）")
def reveal(request: Request, case_no: str, state: StateDep, session: FormSessionDep) -> Response:
    with http_errors():
        detail = state.services.desk.detail(session.staff, case_no, reveal=True)
    return _page(request, state, session, detail)


@router.post("/cases/{case_no}/transition", summary="变更案件状态")
def transition(
    case_no: str,
    state: StateDep,
    session: FormSessionDep,
    to: Annotated[str, Form(max_length=32)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    case_no = _allowed_case(state, session, case_no)
    try:
        view = state.services.desk.transition(session.staff, case_no, to, note.strip())
        session.flash(f"已将 {view.case_no} 转为「{view.stage}」。")
    except BackendError as exc:
        session.flash(exc.message, "error")
    return redirect(f"{PREFIX}/cases/{case_no}")


@router.post("/cases/{case_no}/message", summary="给申请人发消息")
def message(
    case_no: str,
    state: StateDep,
    session: FormSessionDep,
    text: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    case_no = _allowed_case(state, session, case_no)
    try:
        state.services.desk.message(session.staff, case_no, text.strip())
        session.flash("消息已进入发送队列，将通过申请人原来的聊天渠道送达。")
    except BackendError as exc:
        session.flash(exc.message, "error")
    return redirect(f"{PREFIX}/cases/{case_no}#message")
