"""Quarterly check-in routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import BackendDep, ServicesDep, StaffDep, region_of
from api.errors import http_errors
from backend.clock import current_quarter
from backend.schemas import CheckInCreate, CheckInOutcome, CheckInPublic, MissingPage

router = APIRouter(prefix="/checkins", tags=["季度签到"])

Quarter = Annotated[str | None, Query(description="季度，如 2026Q4；默认本季度")]


@router.get("", summary="本季度签到记录", response_model=list[CheckInPublic])
def list_checkins(
    backend: BackendDep, staff: StaffDep, quarter: Quarter = None
) -> list[CheckInPublic]:
    """列出该季度已签到的救助对象（经办人员只看本辖区）。"""
    with http_errors():
        return backend.list_checkins(quarter or current_quarter(), region_of(staff))


@router.get("/missing", summary="未签到名单", response_model=MissingPage)
def missing_checkins(
    backend: BackendDep,
    staff: StaffDep,
    quarter: Quarter = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> MissingPage:
    """名册中该季度尚未签到的人员：姓名、乡镇村社区、脱敏身份证号。"""
    with http_errors():
        return backend.missing_checkins(
            quarter or current_quarter(), region_of(staff), limit=limit, offset=offset
        )


@router.post("", summary="代为登记签到", status_code=201, response_model=CheckInOutcome)
def record_checkin(body: CheckInCreate, services: ServicesDep, staff: StaffDep) -> CheckInOutcome:
    """工作人员代救助对象登记签到（按名册编号或身份证号）；报告的家庭变化会生成变化报告案件。"""
    checkins = services.checkins
    with http_errors():
        if body.recipient_id is None and not body.id_number:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "请提供名册编号或身份证号")
        recipient = checkins.recipient(recipient_id=body.recipient_id, id_number=body.id_number)
        if recipient is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "名册中没有这位救助对象")
        return checkins.record_by_staff(
            staff,
            recipient,
            body.quarter,
            body.answers,
            body.changes,
            channel=body.channel,
        )
