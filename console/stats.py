"""Statistics page: charts rendered as SVG on the server."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.errors import http_errors
from backend.checkins import check_quarter
from backend.clock import current_quarter
from console.charts import Bar, hbars, stacked_columns
from console.checkins import recent_quarters
from console.deps import SessionDep, StateDep, region_of
from console.web import ConsoleRoute, page_context, render
from services.figures import DECISION

router = APIRouter(route_class=ConsoleRoute)

STAGE_NAMES = {DECISION: "受理至决定"}


@router.get("/stats", summary="统计")
def stats_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    quarter: Annotated[str, Query(max_length=6)] = "",
) -> Response:
    backend = state.backend
    township = region_of(session.staff)
    with http_errors():
        quarter = check_quarter(quarter or current_quarter())
    labels = backend.rules.labels
    figures = state.services.figures
    weekly = figures.weekly(township)
    week_labels = [f"{m.month}/{m.day}" for m in weekly.weeks]
    by_status = backend.stats(township).by_status
    stages = figures.stage_times(township)
    done = figures.completion(quarter, township)
    unit = {"working": "个工作日", "calendar": "天"}
    charts = {
        "kind": stacked_columns(week_labels, weekly.by_kind, "每周新请求（按类型）"),
        "channel": stacked_columns(week_labels, weekly.by_channel, "每周新请求（按渠道）"),
        "status": hbars(
            [Bar(label, by_status[s]) for s, label in labels.items() if by_status.get(s)],
            "各阶段案件数",
        ),
        "stages": hbars(
            [
                Bar(
                    STAGE_NAMES.get(s.status, labels.get(s.status, s.status)),
                    s.median_days,
                    f"{s.median_days:g}{unit[s.unit]}",
                    s.limit,
                )
                for s in stages
            ],
            "各阶段办理天数中位数与时限",
        ),
        "completion": hbars(
            [
                Bar(c.township, round(100 * c.done / c.total, 1), f"{c.done}/{c.total}")
                for c in done
                if c.total
            ],
            "各乡镇签到完成率（%）",
            maximum=100,
        ),
    }
    context = page_context(
        session,
        "stats",
        charts=charts,
        legend_kind=list(enumerate(weekly.by_kind)),
        legend_channel=list(enumerate(weekly.by_channel)),
        stages=stages,
        stage_names={**labels, **STAGE_NAMES},
        unit=unit,
        done=done,
        quarter=quarter,
        quarters=recent_quarters(current_quarter()),
    )
    return render(request, "stats.html", context)
