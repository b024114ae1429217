"""One case: facts, screening, history, transitions, audited reveal, message to the resident.

A transition and a message are previewed first: the page shows the text the applicant
will read, word for word, and a button that sends it. Internal notes are a form of their
own and are never sent."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel

from api.errors import http_errors
from backend.clock import local_day, utcnow
from backend.errors import BackendError, InvalidInput
from backend.schemas import (
    Approval,
    CaseDetail,
    MessagePreview,
    TransitionPreview,
    TransitionRequest,
)
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
    if detail.status == "publicizing":
        publicity = state.backend.rules.publicity
        counted = "" if publicity.start_day_counts else "（开始公示当天不计入）"
        return f"公示{publicity.days}天{counted}，期满次日起可以作出决定"
    unit = "个工作日" if rule.unit == "working" else "天"
    start = "受理之日" if rule.start == "accepted" else "进入本阶段之日"
    text = f"自{start}起{rule.days}{unit}"
    if rule.extended_days:
        text += f"（特殊情况可延长至{rule.extended_days}{unit}）"
    return text


def _consent_titles() -> dict[str, str]:
    from services.consents import application_consents

    return {item.id: item.title for item in application_consents()}


class Draft(BaseModel):
    """A transition as the form has it (kept on the preview page, sent on confirm)."""

    to: str = ""
    note: str = ""
    reason: str = ""
    message: str = ""
    programs: list[str] = []
    monthly_amount: str = ""
    start_month: str = ""

    def request(self) -> TransitionRequest:
        """The step asked for; the approval's details checked with Chinese reasons."""
        approval = None
        if self.to == "approved" and (self.programs or self.monthly_amount):
            approval = _approval(self.programs, self.monthly_amount, self.start_month)
        return TransitionRequest(
            to=self.to, note=self.note, reason=self.reason, message=self.message, approval=approval
        )


def _approval(programs: list[str], amount: str, month: str) -> Approval:
    if not programs:
        raise InvalidInput("请勾选批准的项目")
    try:
        monthly = float(amount.strip().removesuffix("元"))
    except ValueError:
        raise InvalidInput("请填写每月金额（元），例如 1172") from None
    if not monthly > 0:
        raise InvalidInput("每月金额应大于0")
    if not MONTH.fullmatch(month.strip()):
        raise InvalidInput("请选择开始发放的月份，例如 2027-01")
    return Approval(programs=programs, monthly_amount=monthly, start_month=month.strip())


MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _channels(state: ConsoleState, detail: CaseDetail) -> list[dict[str, object]]:
    """The resident's chat accounts (one person across channels), the latest used first,
    and whether SMS reaches the phone on the case."""
    from backend import sms
    from backend.contacts import Contacts

    names: dict[str, str] = labels()["chat_channels"]
    found: list[dict[str, object]] = []
    contacts = Contacts(state.backend.db, state.backend.settings.secret_key)
    origin = contacts.for_case(detail.case_no)
    if origin is not None:
        chat_channel, _sender, accounts = origin
        for index, account in enumerate(accounts):
            found.append(
                {
                    "label": names.get(account.chat_channel, account.chat_channel),
                    "at": account.last_used_at,
                    "latest": index == 0,
                }
            )
        if not accounts:
            label = names.get(chat_channel, chat_channel)
            found.append({"label": label, "at": None, "latest": True})
    if detail.phone_masked:
        stopped = sms.is_stopped(state.backend, state.backend.cases.phone_of(detail.case_no))
        found.append({"label": names["sms"], "at": None, "latest": False, "stopped": stopped})
    return found


def _page(
    request: Request,
    state: ConsoleState,
    session: ConsoleSession,
    detail: CaseDetail,
    *,
    draft: Draft | None = None,
    preview: TransitionPreview | None = None,
    message_draft: str = "",
    message_preview: MessagePreview | None = None,
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
        draft=draft or Draft(start_month=_this_month()),
        preview=preview,
        message_draft=message_draft,
        message_preview=message_preview,
        publicity_days=state.backend.rules.publicity.days,
        channels=_channels(state, detail),
    )
    return render(request, "case.html", context)


def _this_month() -> str:
    return f"{local_day(utcnow()):%Y-%m}"


@router.get("/cases/{case_no}", summary="案件详情")
def case_page(request: Request, case_no: str, state: StateDep, session: SessionDep) -> Response:
    with http_errors():
        detail = state.services.desk.detail(session.staff, case_no)
    return _page(request, state, session, detail)


@router.post("/cases/{case_no}/reveal", summary="查看完整身份证号和手机号（留痕）")
def reveal(request: Request, case_no: str, state: StateDep, session: FormSessionDep) -> Response:
    with http_errors():
        detail = state.services.desk.detail(session.staff, case_no, reveal=True)
    return _page(request, state, session, detail)


def _draft(
    to: Annotated[str, Form(max_length=32)],
    note: Annotated[str, Form(max_length=2000)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    message: Annotated[str, Form(max_length=2000)] = "",
    programs: Annotated[list[str] | None, Form()] = None,
    monthly_amount: Annotated[str, Form(max_length=20)] = "",
    start_month: Annotated[str, Form(max_length=7)] = "",
) -> Draft:
    return Draft(
        to=to,
        note=note.strip(),
        reason=reason.strip(),
        message=message.strip(),
        programs=programs or [],
        monthly_amount=monthly_amount.strip(),
        start_month=start_month.strip(),
    )


@router.post("/cases/{case_no}/transition/preview", summary="预览状态变更（申请人将收到的原文）")
def transition_preview(
    request: Request,
    case_no: str,
    state: StateDep,
    session: FormSessionDep,
    draft: Annotated[Draft, Depends(_draft)],
) -> Response:
    """Checked as the step will be; the page shows what the applicant will read, with a
    button that sends it (or the reason it cannot be done, the form kept)."""
    desk = state.services.desk
    case_no = _allowed_case(state, session, case_no)
    preview = None
    try:
        preview = desk.preview(session.staff, case_no, draft.request())
    except BackendError as exc:
        session.flash(exc.message, "error")
    with http_errors():
        detail = desk.detail(session.staff, case_no)
    return _page(request, state, session, detail, draft=draft, preview=preview)


@router.post("/cases/{case_no}/transition", summary="变更案件状态")
def transition(
    case_no: str,
    state: StateDep,
    session: FormSessionDep,
    draft: Annotated[Draft, Depends(_draft)],
) -> Response:
    case_no = _allowed_case(state, session, case_no)
    try:
        view = state.services.desk.transition(session.staff, case_no, draft.request())
        session.flash(f"已将 {view.case_no} 转为「{view.stage}」。")
    except BackendError as exc:
        session.flash(exc.message, "error")
    return redirect(f"{PREFIX}/cases/{case_no}")


@router.post("/cases/{case_no}/note", summary="添加内部备注")
def note(
    case_no: str,
    state: StateDep,
    session: FormSessionDep,
    text: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    case_no = _allowed_case(state, session, case_no)
    try:
        state.services.desk.note(session.staff, case_no, text.strip())
        session.flash("内部备注已记入办理记录（不会发给申请人）。")
    except BackendError as exc:
        session.flash(exc.message, "error")
    return redirect(f"{PREFIX}/cases/{case_no}#note-panel")


@router.post("/cases/{case_no}/message/preview", summary="预览给申请人的消息")
def message_preview(
    request: Request,
    case_no: str,
    state: StateDep,
    session: FormSessionDep,
    text: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    desk = state.services.desk
    case_no = _allowed_case(state, session, case_no)
    shown = None
    try:
        shown = desk.preview_message(session.staff, case_no, text.strip())
    except BackendError as exc:
        session.flash(exc.message, "error")
    with http_errors():
        detail = desk.detail(session.staff, case_no)
    return _page(request, state, session, detail, message_draft=text.strip(), message_preview=shown)


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
