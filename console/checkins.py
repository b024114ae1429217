"""Recipients and quarterly check-ins: roster import, who checked in, who is missing."""

from __future__ import annotations

from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, Request, Response, UploadFile

from api.errors import http_errors
from backend.clock import current_quarter
from backend.exports import csv_bytes
from backend.schemas import ImportResult
from console.deps import FormSessionDep, SessionDep, StateDep, admin_staff, region_of
from console.security import ConsoleSession
from console.state import ConsoleState
from console.web import ConsoleRoute, page_context, render

router = APIRouter(route_class=ConsoleRoute)

MAX_UPLOAD = 20 * 1024 * 1024
Quarter = Annotated[str, Query(max_length=6)]


def recent_quarters(current: str, count: int = 8) -> list[str]:
    year, quarter = int(current[:4]), int(current[5])
    found = []
    for _ in range(count):
        found.append(f"{year}Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return found


def _page(
    request: Request,
    state: ConsoleState,
    session: ConsoleSession,
    quarter: str,
    result: ImportResult | None = None,
    status_code: int = 200,
) -> Response:
    region = region_of(session.staff)
    with http_errors():
        done = state.backend.list_checkins(quarter, region)
        missing = state.backend.missing_checkins(quarter, region, limit=10000)
    villages = [
        (place, list(items))
        for place, items in groupby(missing.items, key=lambda r: (r.township, r.village))
    ]
    context = page_context(
        session,
        "checkins",
        quarter=quarter,
        quarters=recent_quarters(current_quarter()),
        done=done,
        missing=missing,
        villages=villages,
        result=result,
    )
    return render(request, "checkins.html", context, status_code)


@router.get("/checkins", summary="名册与季度签到")
def checkins_page(
    request: Request, state: StateDep, session: SessionDep, quarter: Quarter = ""
) -> Response:
    return _page(request, state, session, quarter or current_quarter())


@router.post("/recipients/import", summary="导入救助对象名册（管理员）")
def import_roster(
    request: Request,
    state: StateDep,
    session: FormSessionDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    admin_staff(session.staff)
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, "文件太大（上限 20 MB），请分批导入。")
    result = state.backend.import_recipients(data, file.filename or "upload.csv")
    session.flash(
        f"导入完成：新增 {result.imported} 条，更新 {result.updated} 条，错误 {len(result.errors)} 行。",
        "error" if result.errors else "ok",
    )
    return _page(request, state, session, current_quarter(), result)


@router.get("/checkins/missing.csv", summary="导出未签到名单（CSV）")
def missing_csv(state: StateDep, session: SessionDep, quarter: Quarter = "") -> Response:
    quarter = quarter or current_quarter()
    with http_errors():
        missing = state.backend.missing_checkins(quarter, region_of(session.staff), limit=100000)
    body = csv_bytes(
        ["季度", "乡镇街道", "村社区", "姓名", "身份证号（脱敏）", "手机号（脱敏）"],
        (
            [quarter, row.township, row.village, row.name, row.id_masked, row.phone_masked]
            for row in missing.items
        ),
    )
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="missing-{quarter}.csv"'},
    )
