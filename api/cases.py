"""Case routes: list, detail (with audited reveal), transitions, messages to residents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import DeskDep, StaffDep
from api.errors import http_errors
from backend.schemas import CaseDetail, CaseView

router = APIRouter(prefix="/cases", tags=["案件"])


class TransitionIn(BaseModel):
    to: str = Field(description="目标状态，如 accepted、investigating、approved、closed")
    note: str = Field(default="", description="说明（不予批准时必须写明理由）")


class ExtensionIn(BaseModel):
    note: str = Field(min_length=1, description="延期理由")


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000, description="发给申请人的消息")


class MessageQueued(BaseModel):
    key: str = Field(description="消息的幂等键")


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
    """案件的全部信息、办理记录与可转入的状态。`reveal=true` 时显示完整身份证号并留痕。"""
    with http_errors():
        return desk.detail(staff, case_no, reveal=reveal)


@router.post("/{case_no}/transitions", summary="变更案件状态", response_model=CaseView)
def transition(case_no: str, body: TransitionIn, desk: DeskDep, staff: StaffDep) -> CaseView:
    """只能按流程推进（提交→受理→入户核实→审核确认→公示→批准/不予批准；决定前可撤回）。
    每次变更记录操作人、时间和说明，并通知申请人与工作人员。"""
    with http_errors():
        return desk.transition(staff, case_no, body.to, body.note)


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
    """通过申请人原来的聊天渠道回复（转人工的答复）；消息进入发送队列，失败会自动重试。"""
    with http_errors():
        return MessageQueued(key=desk.message(staff, case_no, body.text))
