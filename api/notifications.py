"""The staff notification feed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import DeskDep, StaffDep

router = APIRouter(prefix="/notifications", tags=["通知"])


class NotificationPublic(BaseModel):
    id: int = Field(description="序号；下次用 after 取之后的通知")
    case_no: str | None
    text: str = Field(description="通知内容（身份证号已脱敏）")
    priority: str | None = None
    created_at: datetime
    delivered: bool = Field(description="是否已推送到工作人员渠道")


@router.get("", summary="工作人员通知", response_model=list[NotificationPublic])
def notifications(
    desk: DeskDep,
    staff: StaffDep,
    after: Annotated[int, Query(ge=0, description="只取此序号之后的通知")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[NotificationPublic]:
    """新案件与状态变化的通知，按时间先后；经办人员只看本辖区。"""
    rows = desk.notifications(staff, after_id=after, limit=limit)
    return [
        NotificationPublic(
            id=row.id or 0,
            case_no=row.case_no,
            text=str(row.payload.get("text", "")),
            priority=row.payload.get("priority"),
            created_at=row.created_at,
            delivered=row.status == "delivered",
        )
        for row in rows
    ]
