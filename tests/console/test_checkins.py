"""Roster import, check-ins by quarter, who is missing by village, the CSV export."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

from backend.clock import current_quarter
from backend.service import Backend
from console.checkins import recent_quarters
from tests.console.conftest import valid_id

PEOPLE = [
    ("刘一", valid_id("43090219500101001"), "长春镇", "长春村"),
    ("陈二", valid_id("43090219500101002"), "长春镇", "二港村"),
    ("杨三", valid_id("43090219500101003"), "长春镇", "二港村"),
    ("黄四", valid_id("43090219500101004"), "沙头镇", "沙头村"),
]


def _roster(bad_line: bool = True) -> bytes:
    lines = ["姓名,身份证号,手机号,项目,乡镇街道,村社区"]
    lines += [f"{n},{i},13800138000,低保,{t},{v}" for n, i, t, v in PEOPLE]
    if bad_line:
        lines.append("错五,430902195001010000,13800138000,低保,长春镇,长春村")
    return ("\n".join(lines) + "\n").encode()


def _import(admin: SimpleNamespace, data: bytes, name: str = "roster.csv") -> str:
    response = admin.client.post(
        "/console/recipients/import",
        data={"csrf": admin.csrf},
        files={"file": (name, data, "text/csv")},
    )
    assert response.status_code == 200
    return response.text


def test_import_reports_bad_rows_by_line(admin: SimpleNamespace) -> None:
    page = _import(admin, _roster())
    assert "新增 4 条 · 更新 0 条 · 错误 1 行" in page
    assert "<td>6</td>" in page
    again = _import(admin, _roster())
    assert "新增 0 条 · 更新 0 条" in again


def test_who_checked_in_and_who_is_missing_by_village(
    admin: SimpleNamespace, backend: Backend
) -> None:
    _import(admin, _roster(bad_line=False))
    quarter = current_quarter()
    first = backend.roster.by_id_number(PEOPLE[1][1])
    assert first is not None
    backend.record_checkin(first, quarter, {}, ["家里多了一口人"])
    page = admin.client.get("/console/checkins", params={"quarter": quarter}).text
    assert "名册 4 人" in page and "已签到 <strong data-done>1</strong>" in page
    assert "长春镇长春村 · 1 人" in page
    assert "长春镇二港村 · 1 人" in page
    assert "沙头镇沙头村 · 1 人" in page
    assert "家里多了一口人" in page
    assert PEOPLE[1][1] not in page  # masked IDs only
    previous = recent_quarters(quarter)[1]
    older = admin.client.get("/console/checkins", params={"quarter": previous}).text
    assert "已签到 <strong data-done>0</strong>" in older
    bad = admin.client.get("/console/checkins", params={"quarter": "2026Q9"})
    assert bad.status_code == 422


def test_missing_list_exports_as_csv(admin: SimpleNamespace, backend: Backend) -> None:
    _import(admin, _roster(bad_line=False))
    quarter = current_quarter()
    someone = backend.roster.by_id_number(PEOPLE[0][1])
    assert someone is not None
    backend.record_checkin(someone, quarter)
    response = admin.client.get("/console/checkins/missing.csv", params={"quarter": quarter})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f"missing-{quarter}.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["季度", "乡镇街道", "村社区", "姓名"]
    assert sorted(r[3] for r in rows[1:]) == sorted(["陈二", "杨三", "黄四"])
    assert all("*" in r[4] for r in rows[1:])


def test_caseworkers_see_their_township_and_cannot_import(
    admin: SimpleNamespace, caseworker: SimpleNamespace
) -> None:
    _import(admin, _roster(bad_line=False))
    page = caseworker.client.get("/console/checkins").text
    assert "名册 3 人" in page and "沙头村" not in page
    assert "导入救助对象名册" not in page
    exported = caseworker.client.get("/console/checkins/missing.csv").content.decode("utf-8-sig")
    assert "黄四" not in exported and "刘一" in exported
    refused = caseworker.client.post(
        "/console/recipients/import",
        data={"csrf": caseworker.csrf},
        files={"file": ("r.csv", _roster(), "text/csv")},
    )
    assert refused.status_code == 403


def test_import_refuses_a_wrong_csrf_token(admin: SimpleNamespace, backend: Backend) -> None:
    response = admin.client.post(
        "/console/recipients/import",
        data={"csrf": "wrong"},
        files={"file": ("r.csv", _roster(), "text/csv")},
    )
    assert response.status_code == 403
    assert backend.missing_checkins(current_quarter()).total == 0


def test_recent_quarters_cross_the_year() -> None:
    assert recent_quarters("2026Q2", 4) == ["2026Q2", "2026Q1", "2025Q4", "2025Q3"]


def test_exported_cells_never_run_as_formulas(admin: SimpleNamespace) -> None:
    lines = ["姓名,身份证号,手机号,项目,乡镇街道,村社区"]
    lines.append(f'"=HYPERLINK(""http://x"")",{PEOPLE[0][1]},13800138000,低保,长春镇,@SUM(A1)')
    _import(admin, ("\n".join(lines) + "\n").encode())
    response = admin.client.get("/console/checkins/missing.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(A1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
