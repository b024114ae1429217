"""Checks and masks for 身份证号 (GB 11643-1999) and mobile numbers."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_PHONE_SHAPE = re.compile(r"1[3-9]\d{9}")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """None when ``value`` is a valid 18-character 身份证号, else the reason in Chinese."""
    value = value.strip().upper()
    if len(value) != 18:
        return f"身份证号应为18位，您输入的是{len(value)}位"
    if not _ID_SHAPE.fullmatch(value):
        return "身份证号前17位应为数字，最后一位为数字或X"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期不正确"
    if born.year < 1900 or born > date.today():
        return "身份证号中的出生日期不正确"
    if id_check_char(value[:17]) != value[17]:
        return "身份证号校验位不对，请核对后重新输入"
    return None


def phone_problem(value: str) -> str | None:
    """None when ``value`` is an 11-digit mobile number starting 13–19, else the reason."""
    digits = re.sub(r"[\s-]", "", value.strip())
    if not digits.isdigit():
        return "手机号只能包含数字"
    if len(digits) != 11:
        return f"手机号应为11位，您输入的是{len(digits)}位"
    if not _PHONE_SHAPE.fullmatch(digits):
        return "手机号应以13到19开头"
    return None


def mask_id(value: str) -> str:
    """``4301**********1234``: the first 4 and last 4 characters kept."""
    value = value.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``138****5678``: the first 3 and last 4 digits kept."""
    value = value.strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
