"""Case routes: list, detail (with audited reveal), transitions, messages to residents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import DeskDep, ServicesDep, StaffDep
from api.errors import http_errors
from backend.schemas import (
    CaseDetail,
    CaseView,
    MessagePreview,
    TransitionPreview,
    TransitionRequest,
)

router = APIRouter(prefix="/cases", tags=["案件"])


class NoteIn(BaseModel):
    note: str = Field(min_length=1, max_length=2000, description="内部备注（不发给申请人）")


class NoteAdded(BaseModel):
    case_no: str


class ExtensionIn(BaseModel):
    note: str = Field(min_length=1, description="延期理由")


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000, description="发给申请人的消息")


class MessageQueued(BaseModel):
    key: str = Field(description="消息的幂等键")
    resident_text: str = Field(default="", description="申请人收到的原文")


@router.get("", summary="案件列表", response_model=list[CaseView])
def list_cases(
    desk: DeskDep,
    staff: StaffDep,
    status: Annotated[str | None, Query(description="按状态筛选，如 submitted")] = None,
    kind: Annotated[str | None, Query(description="按类型筛选，如 application、urgent")] = None,
    since: Annotated[datetime | None, Query(description="只看此时间之后创建的案件")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="每页条数")] = 50,
    offset: Annotated[int, Query(ge=0, description="跳过条数")] = 0,
) -> list[CaseView]:
    """新到的案件排在最前；经办人员只能看到本辖区（乡镇街道）的案件。身份证号已脱敏。"""
    return desk.cases(staff, status=status, kind=kind, since=since, limit=limit, offset=offset)


@router.get("/{case_no}", summary="案件详情", response_model=CaseDetail)
def case_detail(
    case_no: str,
    desk: DeskDep,
    staff: StaffDep,
    reveal: Annotated[
        bool, Query(description="显示完整身份证号（此次查看会记入办理记录）")
    ] = False,
) -> CaseDetail:
    """案件的全部信息、办理记录与可转入的状态。`reveal=true` 时显示完整身份证号和手机号并留痕。"""
    with http_errors():
        return desk.detail(staff, case_no, reveal=reveal)


@router.post("/{case_no}/transitions", summary="变更案件状态", response_model=CaseView)
def transition(case_no: str, body: TransitionRequest, desk: DeskDep, staff: StaffDep) -> CaseView:
    """只能按流程推进：提交→受理→入户核实→审核确认→公示（7天）→批准；提交时可不予受理，
    入户核实、审核确认后可不予批准，公示期间有异议可退回入户核实或不予批准；决定前可撤回。

    - `note`：内部备注，只记入办理记录，**不发给申请人**。
    - `reason`：不予受理、不予批准、公示异议时必填，连同申请复核、投诉的途径告知申请人。
    - `message`：给申请人的话（可不填），随通知一起发送。
    - `approval`：批准时必填 `{"programs": ["dibao"], "monthly_amount": 1172,
      "start_month": "2027-01"}`；公示未满7天时拒绝（409，说明哪天起可以批准）。

    申请人收到的原文可先用 `…/transitions/preview` 查看。"""
    with http_errors():
        return desk.transition(staff, case_no, body)


@router.post(
    "/{case_no}/transitions/preview",
    summary="预览状态变更（申请人将收到的原文）",
    response_model=TransitionPreview,
)
def preview_transition(
    case_no: str, body: TransitionRequest, desk: DeskDep, staff: StaffDep
) -> TransitionPreview:
    """与变更状态同样检查，但不变更：返回申请人将收到的通知原文和工作人员看到的通知。"""
    with http_errors():
        return desk.preview(staff, case_no, body)


@router.post("/{case_no}/notes", summary="添加内部备注", response_model=NoteAdded, status_code=201)
def add_note(case_no: str, body: NoteIn, desk: DeskDep, staff: StaffDep) -> NoteAdded:
    """内部备注记入办理记录，只给工作人员看，不会发给申请人。"""
    with http_errors():
        desk.note(staff, case_no, body.note)
        return NoteAdded(case_no=case_no.strip().upper())


@router.post("/{case_no}/extension", summary="延长办理时限", response_model=CaseView)
def extend_deadline(case_no: str, body: ExtensionIn, desk: DeskDep, staff: StaffDep) -> CaseView:
    """特殊情况下把审核确认时限从30个工作日延长到45个工作日；须写明理由，只能延期一次。"""
    with http_errors():
        return desk.extend(staff, case_no, body.note)


@router.post(
    "/{case_no}/messages",
    summary="给申请人发消息",
    response_model=MessageQueued,
    status_code=202,
)
def message_resident(
    case_no: str, body: MessageIn, desk: DeskDep, staff: StaffDep
) -> MessageQueued:
    """通过申请人原来的聊天渠道回复（转人工的答复）；消息进入发送队列，失败会自动重试。
    原文可先用 `…/messages/preview` 查看；只给工作人员看的内容请写内部备注（`…/notes`）。"""
    with http_errors():
        shown = desk.preview_message(staff, case_no, body.text)
        return MessageQueued(
            key=desk.message(staff, case_no, body.text), resident_text=shown.resident_text
        )


class ConversationLine(BaseModel):
    at: datetime = Field(description="时间（UTC）")
    by: str = Field(description="resident（居民）或 staff（工作人员）")
    actor: str = Field(description="谁写的")
    text: str = Field(description="内容（居民的话已脱敏）")


@router.get(
    "/{case_no}/messages",
    summary="转人工对话",
    response_model=list[ConversationLine],
)
def conversation(
    case_no: str,
    services: ServicesDep,
    staff: StaffDep,
    after: Annotated[int, Query(ge=0, description="只要这条记录之后的（记录编号）")] = 0,
) -> list[ConversationLine]:
    """居民转人工以后写的每句话和工作人员的答复，按时间先后。"""
    with http_errors():
        lines = services.handoffs.conversation(staff, case_no, after)
    return [
        ConversationLine(
            at=line.at,
            by="resident" if line.by_resident else "staff",
            actor=line.actor,
            text=line.note,
        )
        for line in lines
    ]


@router.post(
    "/{case_no}/messages/preview",
    summary="预览给申请人的消息",
    response_model=MessagePreview,
)
def preview_message(
    case_no: str, body: MessageIn, desk: DeskDep, staff: StaffDep
) -> MessagePreview:
    """申请人将收到的原文（不发送）。"""
    with http_errors():
        return desk.preview_message(staff, case_no, body.text)
