"""Statistics: weekly arrivals, cases by stage, days per stage against limits, check-ins."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from backend.clock import current_quarter
from backend.service import Backend
from console.charts import Bar, hbars, stacked_columns
from services.figures import DECISION, Figures
from tests.console.conftest import OTHER_TOWNSHIP, application, urgent, valid_id


def test_stats_page_draws_every_chart_as_svg(admin: SimpleNamespace, backend: Backend) -> None:
    application(backend)
    urgent(backend)
    page = admin.client.get("/console/stats")
    assert page.status_code == 200
    html = page.text
    assert html.count("<svg") >= 5
    for title in ("每周新请求 · 按类型", "每周新请求 · 按渠道", "各阶段案件数", "签到完成率"):
        assert title in html
    assert "救助申请：1" in html and "急难求助：1" in html
    assert "网上办：2" in html
    assert "<script" not in html.split("</head>")[1]


def test_weekly_counts_by_kind_and_channel(backend: Backend) -> None:
    application(backend)
    application(backend, id17="43090219900101002", channel="电话办")
    urgent(backend)
    weekly = Figures(backend).weekly(None)
    assert len(weekly.weeks) == 12 and weekly.weeks[-1].weekday() == 0
    assert weekly.by_kind["救助申请"][-1] == 2
    assert weekly.by_kind["急难求助"][-1] == 1
    assert weekly.by_channel["电话办"][-1] == 1
    assert Figures(backend).weekly(OTHER_TOWNSHIP).by_kind == {}


def test_median_days_per_stage_against_the_limits(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = SimpleNamespace(moment=datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
    monkeypatch.setattr("backend.cases.utcnow", lambda: now.moment)
    case_no = application(backend)  # Monday 2 November 2026 (no holidays in November)
    for day, to in zip(
        (4, 6, 13, 16, 23),
        ("accepted", "investigating", "reviewing", "publicizing", "approved"),
        strict=True,
    ):
        now.moment = datetime(2026, 11, day, 1, 0, tzinfo=UTC)
        backend.transition(case_no, to, "", "test")
    found = {s.status: s for s in Figures(backend).stage_times(None)}
    assert found["submitted"].median_days == 2 and found["submitted"].limit == 5
    assert found["accepted"].median_days == 2 and found["accepted"].limit is None
    assert found["investigating"].median_days == 5
    assert found["reviewing"].median_days == 1
    assert found["publicizing"].median_days == 7 and found["publicizing"].limit == 7
    assert found["publicizing"].unit == "calendar"
    assert found[DECISION].median_days == 13
    assert found[DECISION].limit == 30


def test_check_in_completion_by_township(admin: SimpleNamespace, backend: Backend) -> None:
    rows = ["姓名,身份证号,手机号,项目,乡镇街道,村社区"]
    for i, township in enumerate(["长春镇", "长春镇", "沙头镇"]):
        rows.append(f"人{i},{valid_id(f'4309021950010100{i}')},,低保,{township},某村")
    backend.import_recipients(("\n".join(rows) + "\n").encode(), "r.csv")
    person = backend.roster.by_id_number(valid_id("43090219500101000"))
    assert person is not None
    backend.record_checkin(person, current_quarter())
    found = Figures(backend).completion(current_quarter(), None)
    assert [(c.township, c.done, c.total) for c in found] == [("沙头镇", 0, 1), ("长春镇", 1, 2)]
    assert [c.total for c in Figures(backend).completion(current_quarter(), "长春镇")] == [2]
    assert "1/2" in admin.client.get("/console/stats").text


def test_caseworker_statistics_cover_their_township_only(
    caseworker: SimpleNamespace, backend: Backend
) -> None:
    application(backend, township=OTHER_TOWNSHIP)
    html = caseworker.client.get("/console/stats").text
    assert "救助申请：" not in html
    assert "统计（长春镇）" in html


def test_charts_escape_labels_and_mark_limits() -> None:
    svg = str(hbars([Bar("<b>受理</b>", 3, "3天", limit=5)], "标题"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "时限 5" in svg and "3天" in svg
    assert "暂无数据" in str(hbars([], "空"))
    columns = str(stacked_columns(["11/2", "11/9"], {"申请": [1, 0], "急难": [2, 3]}, "周"))
    assert columns.count("<rect") == 3
    assert "11/9 急难：3" in columns


def test_legend_swatches_use_the_chart_palette() -> None:
    from console.charts import PALETTE
    from console.web import STATIC_DIR

    css = (STATIC_DIR / "console.css").read_text()
    for index, fill in enumerate(PALETTE):
        assert f".swatch-{index} {{ background: {fill}; }}" in css
