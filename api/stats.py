"""Statistics."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import BackendDep, StaffDep, region_of
from backend.schemas import Stats

router = APIRouter(prefix="/stats", tags=["统计"])


@router.get("", summary="案件统计", response_model=Stats)
def stats(backend: BackendDep, staff: StaffDep) -> Stats:
    """按状态、类型、办理渠道和周（ISO 周，按北京时间）统计案件数；经办人员只看本辖区。"""
    return backend.stats(region_of(staff))
