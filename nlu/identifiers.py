"""身份证号, mobile numbers and case numbers, found in normalised text."""

from __future__ import annotations

import re

from nlu.numbers import Found
from nlu.validators import id_number_problem

_ID = re.compile(r"(?<![\dA-Za-z])(\d{6}\s?\d{8}\s?\d{3}[\dXx])(?![\dA-Za-z])")
_PHONE = re.compile(r"(?<![\d])(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?![\d])")
_CASE = re.compile(r"(?<![A-Za-z])[Jj][Zz]\s*-?\s*(\d{8})\s*-?\s*(\d{4,8})(?!\d)")


def find_identifiers(text: str) -> list[Found]:
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for match in _CASE.finditer(text):
        value = f"JZ{match.group(1)}-{match.group(2)}"
        found.append(Found("case_number", value, *match.span()))
        taken.append(match.span())
    for match in _ID.finditer(text):
        value = re.sub(r"\s", "", match.group(1)).upper()
        if id_number_problem(value) is None and not _inside(match.span(), taken):
            found.append(Found("id_number", value, *match.span()))
            taken.append(match.span())
    for match in _PHONE.finditer(text):
        if not _inside(match.span(), taken):
            value = re.sub(r"[\s-]", "", match.group(1))
            found.append(Found("phone", value, *match.span()))
            taken.append(match.span())
    return found


def _inside(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)
