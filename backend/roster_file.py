"""Reading a recipient roster file: CSV (UTF-8 or GBK), XLSX or XLS, header
``姓名,身份证号,手机号,项目,乡镇街道,村社区``; each row checked and reported by line.

Spreadsheets are read with python-calamine, which reads the cells a sheet has (a
huge declared dimension costs nothing). A file over ``MAX_BYTES`` or with more than
``MAX_ROWS`` rows is refused with one message, as is a 身份证号 column that Excel
stored as numbers (4.30902E+17: the last digits are already lost).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from backend.programs import resolve_program
from nlu.validators import id_number_problem, phone_problem

HEADER = ("姓名", "身份证号", "手机号", "项目", "乡镇街道", "村社区")
MAX_BYTES = 20 * 1024 * 1024  # a district roster of 100,000 people is about 8 MB as CSV
MAX_ROWS = 200_000
ID_COLUMN = HEADER.index("身份证号")


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
    if len(data) > MAX_BYTES:
        raise RosterFileError(
            f"文件太大（最多 {MAX_BYTES // (1024 * 1024)} MB），请分成几个文件导入"
        )
    spreadsheet = filename.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods"))
    rows = _sheet_rows(data) if spreadsheet else _csv_rows(data)
    good: list[RosterRow] = []
    bad: list[RowError] = []
    header_seen = False
    for line, cells in rows:
        if line > MAX_ROWS + 1:
            raise RosterFileError(f"文件行数太多（最多 {MAX_ROWS} 行），请分成几个文件导入")
        if header_seen and len(cells) > ID_COLUMN and isinstance(cells[ID_COLUMN], int | float):
            raise RosterFileError(
                f"第{line}行起，身份证号一列被 Excel 存成了数字（如 4.30902E+17），最后几位已经丢失。"
                "请把这一列设置为「文本」格式，重新输入身份证号后再导入。"
            )
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
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:  # e.g. a field over the csv module's 128 KB limit
        raise RosterFileError(f"第{reader.line_num}行无法读取（内容过长或格式不对）") from exc


def _sheet_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own kinds for a broken file
        raise RosterFileError("无法读取 Excel 文件（.xlsx / .xls）") from exc
    # Row numbers as the spreadsheet shows them (the used range may start below row 1).
    first = (sheet.start or (0, 0))[0] + 1
    for number, row in enumerate(rows, start=first):
        yield number, list(row)
