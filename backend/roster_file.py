"""Reading a recipient roster file: CSV (UTF-8 or GBK) or XLSX, header
``姓名,身份证号,手机号,项目,乡镇街道,村社区``; each row checked and reported by line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from backend.programs import resolve_program
from nlu.validators import id_number_problem, phone_problem

HEADER = ("姓名", "身份证号", "手机号", "项目", "乡镇街道", "村社区")


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    id_number: str
    phone: str
    program: str
    township: str
    village: str


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


class RosterFileError(ValueError):
    pass


def read_roster(data: bytes, filename: str) -> tuple[list[RosterRow], list[RowError]]:
    rows = _xlsx_rows(data) if filename.lower().endswith(".xlsx") else _csv_rows(data)
    good: list[RosterRow] = []
    bad: list[RowError] = []
    header_seen = False
    for line, cells in rows:
        values = [_cell(c) for c in cells]
        if not any(values):
            continue
        if not header_seen:
            if tuple(values[: len(HEADER)]) != HEADER:
                raise RosterFileError(f"第{line}行表头应为：{','.join(HEADER)}")
            header_seen = True
            continue
        values += [""] * (len(HEADER) - len(values))
        parsed = _check(line, values)
        if isinstance(parsed, RowError):
            bad.append(parsed)
        else:
            good.append(parsed)
    if not header_seen:
        raise RosterFileError(f"文件为空；表头应为：{','.join(HEADER)}")
    return good, bad


def _check(line: int, values: list[str]) -> RosterRow | RowError:
    name, id_number, phone, program_text, township, village = values[: len(HEADER)]
    id_number = id_number.upper()
    if not name:
        return RowError(line, "姓名为空")
    if problem := id_number_problem(id_number):
        return RowError(line, problem)
    if phone and (problem := phone_problem(phone)):
        return RowError(line, problem)
    program = resolve_program(program_text)
    if program is None:
        return RowError(line, f"无法识别的项目：{program_text or '（空）'}")
    if not township:
        return RowError(line, "乡镇街道为空")
    return RosterRow(line, name, id_number, phone, program, township, village)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lstrip("\ufeff")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise RosterFileError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        yield reader.line_num, row


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RosterFileError("无法读取 Excel 文件（.xlsx）") from exc
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        book.close()
