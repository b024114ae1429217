"""Roster import (CSV UTF-8/GBK, XLSX), chat binding, quarterly check-ins and who is missing."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import Workbook

from backend.service import Backend
from tests.backend.conftest import ADMIN, auth, valid_id

HEADER = "姓名,身份证号,手机号,项目,乡镇街道,村社区"
A = valid_id("43090219500101001")
B = valid_id("43090219600202002")
C = valid_id("43090219700303003")


def roster_csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


GOOD_AND_BAD = roster_csv(
    f"刘一,{A},13900000001,低保,新桥河镇,羊角村",
    f"陈二,{B},13900000002,tekun,长春镇,一村",
    f"陈二,{B},13900000002,医疗救助,长春镇,一村",
    f"张三,{A[:-1]}0,13900000003,低保,新桥河镇,羊角村",  # wrong check digit
    f",{C},13900000004,低保,新桥河镇,羊角村",  # no name
    f"李四,{C},1390000,低保,新桥河镇,羊角村",  # short phone
    f"王五,{C},13900000005,养老金,新桥河镇,羊角村",  # unknown program
)


def test_csv_import_keeps_good_rows_reports_bad_lines_and_is_idempotent(backend: Backend) -> None:
    result = backend.import_recipients(GOOD_AND_BAD.encode("utf-8"), "roster.csv")
    assert (result.imported, result.updated) == (3, 0)
    assert [e.line for e in result.errors] == [5, 6, 7, 8]
    assert "校验位" in result.errors[0].message
    assert "姓名" in result.errors[1].message
    assert "11位" in result.errors[2].message
    assert "养老金" in result.errors[3].message
    again = backend.import_recipients(GOOD_AND_BAD.encode("utf-8"), "roster.csv")
    assert (again.imported, again.updated, len(again.errors)) == (0, 0, 4)
    moved = roster_csv(f"刘一,{A},13900000009,低保,新桥河镇,鹿角园村")
    changed = backend.import_recipients(moved.encode("utf-8"), "roster.csv")
    assert (changed.imported, changed.updated, changed.errors) == (0, 1, [])
    page = backend.missing_checkins("2026Q4")
    assert page.total == 2
    liu = next(r for r in page.items if r.name == "刘一")
    assert liu.village == "鹿角园村" and liu.phone_masked == "139****0009"
    chen = next(r for r in page.items if r.name == "陈二")
    assert (chen.township, chen.village) == ("长春镇", "一村")
    assert backend.roster.by_id_number(B).programs == ["medical", "tekun"]


def test_gbk_csv_and_bad_header(backend: Backend) -> None:
    gbk = roster_csv(f"刘一,{A},13900000001,最低生活保障,新桥河镇,羊角村").encode("gbk")
    assert backend.import_recipients(gbk, "名册.csv").imported == 1
    wrong = backend.import_recipients(b"name,id\n", "x.csv")
    assert wrong.imported == 0 and wrong.errors[0].line == 1 and "表头" in wrong.errors[0].message


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_import_with_a_bad_row_and_reimport(backend: Backend) -> None:
    data = xlsx(
        [
            ["刘一", A, 13900000001, "dibao", "新桥河镇", "羊角村"],  # the phone as a number cell
            ["陈二", "123", "", "dibao", "长春镇", None],
            ["陈三", C, None, "特困", "长春镇", "二村"],
        ]
    )
    result = backend.import_recipients(data, "roster.xlsx")
    assert (result.imported, result.updated) == (2, 0)
    assert [(e.line, "18位" in e.message) for e in result.errors] == [(3, True)]
    again = backend.import_recipients(data, "roster.xlsx")
    assert (again.imported, again.updated) == (0, 0)


def test_an_id_column_excel_stored_as_numbers_gets_one_clear_error(backend: Backend) -> None:
    data = xlsx(
        [
            ["刘一", float(A), "13900000001", "dibao", "新桥河镇", "羊角村"],
            ["陈三", float(C), None, "特困", "长春镇", "二村"],
        ]
    )
    result = backend.import_recipients(data, "roster.xlsx")
    assert (result.imported, result.updated) == (0, 0)
    assert len(result.errors) == 1
    assert "文本" in result.errors[0].message and "身份证号" in result.errors[0].message


def test_an_xls_roster_is_read(backend: Backend) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("名单")
    rows = [HEADER.split(","), ["刘一", A, "13900000001", "低保", "新桥河镇", "羊角村"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    result = backend.import_recipients(out.getvalue(), "roster.xls")
    assert (result.imported, result.errors) == (1, [])


def test_a_csv_field_over_the_csv_limit_is_reported_not_a_crash(backend: Backend) -> None:
    data = roster_csv(f"刘一,{A},13900000001,低保,新桥河镇,{'村' * 200_000}").encode("utf-8")
    result = backend.import_recipients(data, "roster.csv")
    assert result.imported == 0
    assert "第2行" in result.errors[0].message


def test_too_many_rows_are_refused_with_one_message(backend: Backend) -> None:
    from backend import roster_file

    rows = "\n".join(f"刘{i},{A},13900000001,低保,新桥河镇,羊角村" for i in range(12))
    data = f"{HEADER}\n{rows}\n".encode()
    old = roster_file.MAX_ROWS
    roster_file.MAX_ROWS = 10
    try:
        result = backend.import_recipients(data, "roster.csv")
    finally:
        roster_file.MAX_ROWS = old
    assert result.imported == 0
    assert len(result.errors) == 1 and "行数太多" in result.errors[0].message


def test_import_over_http_is_for_admins(client: TestClient) -> None:
    files = {"file": ("roster.csv", GOOD_AND_BAD.encode("utf-8"), "text/csv")}
    answer = client.post("/api/recipients/import", files=files, headers=ADMIN)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["imported"], body["updated"]) == (3, 0)
    assert [e["line"] for e in body["errors"]] == [5, 6, 7, 8]
    worker = client.post(
        "/api/staff",
        json={"name": "王五", "role": "caseworker", "region": "新桥河镇"},
        headers=ADMIN,
    ).json()["token"]
    denied = client.post("/api/recipients/import", files=files, headers=auth(worker))
    assert denied.status_code == 403


def test_binding_checkins_and_change_reports(backend: Backend) -> None:
    backend.import_recipients(GOOD_AND_BAD.encode("utf-8"), "roster.csv")
    assert backend.bind_recipient("telegram", "55", "刘二", A, "13900000001") is None  # wrong name
    assert backend.bind_recipient("telegram", "55", "刘一", A, "13900000000") is None  # wrong phone
    liu = backend.bind_recipient("telegram", "55", "刘一", A, "13900000001")
    assert liu is not None and liu.programs == ["dibao"]
    assert backend.recipient_for_chat("telegram", "55") == liu
    assert backend.recipient_for_chat("telegram", "56") is None
    assert not backend.checkin_done(liu, "2026Q4")
    first = backend.record_checkin(liu, "2026Q4", {"living": "ok"}, [])
    assert not first.already_done and first.change_case is None
    assert backend.checkin_done(liu, "2026Q4") and not backend.checkin_done(liu, "2027Q1")
    repeat = backend.record_checkin(liu, "2026Q4", {}, ["收入增加"])
    assert repeat.already_done and repeat.change_case is None
    report = backend.record_checkin(liu, "2027Q1", {}, ["家里有人找到工作了"])
    case = report.change_case
    assert case is not None and case.kind == "change_report" and case.status == "open"
    assert case.township == "新桥河镇" and "找到工作" in case.summary
    assert [c.case_no for c in backend.cases_for_sender("telegram", "55")] == [case.case_no]
    assert report.checkin.change_case_no == case.case_no
    missing = backend.missing_checkins("2026Q4")
    assert [r.name for r in missing.items] == ["陈二"] and missing.total == 1
    assert missing.items[0].id_masked == B[:4] + "*" * 10 + B[-4:]
    assert [c.name for c in backend.list_checkins("2026Q4")] == ["刘一"]


def test_checkins_over_http_respect_regions(client: TestClient, backend: Backend) -> None:
    backend.import_recipients(GOOD_AND_BAD.encode("utf-8"), "roster.csv")
    worker = auth(
        client.post(
            "/api/staff",
            json={"name": "王五", "role": "caseworker", "region": "长春镇"},
            headers=ADMIN,
        ).json()["token"]
    )
    missing = client.get("/api/checkins/missing", params={"quarter": "2026Q4"}, headers=worker)
    assert [r["name"] for r in missing.json()["items"]] == ["陈二"]
    assert B not in missing.text
    recorded = client.post(
        "/api/checkins",
        json={"id_number": B, "quarter": "2026Q4", "answers": {"ok": True}, "channel": "电话办"},
        headers=worker,
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["checkin"]["name"] == "陈二"
    other = client.post("/api/checkins", json={"id_number": A, "quarter": "2026Q4"}, headers=worker)
    assert other.status_code == 403
    listed = client.get("/api/checkins", params={"quarter": "2026Q4"}, headers=ADMIN).json()
    assert [c["name"] for c in listed] == ["陈二"]
    left = client.get("/api/checkins/missing", params={"quarter": "2026Q4"}, headers=ADMIN).json()
    assert [r["name"] for r in left["items"]] == ["刘一"]
    bad = client.get("/api/checkins/missing", params={"quarter": "2026-4"}, headers=ADMIN)
    assert bad.status_code == 422 and "季度" in bad.json()["detail"]


def test_a_name_matches_the_roster_however_it_is_typed() -> None:
    from backend.roster import same_name

    assert same_name("张三", "張三")
    assert same_name("欧阳 秀英", "歐陽秀英")
    assert not same_name("张三", "张山")
    assert not same_name("张三", "张三丰")
