"""Numeric entities found in normalised text: money, age, household size, disability grade.

Input is ``Normalized.text`` (Arabic digits, half-width, 简体); results are spans of
that text, mapped back to the original by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Found:
    entity: str
    value: int | str
    start: int
    end: int


_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|千|w|k|W|K)?(\d)?(?![\d])")
_MONEY_UNIT = re.compile(r"^\s*(?:多|来)?\s*(?:元|块|圆|rmb|RMB)")
_NOT_MONEY_AFTER = re.compile(
    r"^\s*(?:多|来)?\s*(?:口|人|个|岁|周岁|级|年(?!收)|月(?!收)|天|号|次|位|平|亩|斤|间|套|辆|"
    r"小时|分|楼|栋|组|床|%|公斤|里|期)"
)
_INCOME_WORDS = (
    "收入", "工资", "挣", "赚", "养老金", "退休金", "补贴", "进账", "到手", "月入", "年入",
    "收", "补助", "工钱", "薪", "低保金", "生活费", "拿", "领", "卖",
)  # fmt: skip
# Money near these words is spent, owed or saved, not earned.
_EXPENSE_WORDS = (
    "花", "费", "开销", "房租", "欠", "借", "押金", "交", "差", "存款", "存了", "贷款", "花销",
    "超过", "以上", "以下", "以内",
)  # fmt: skip
_FILLER = r"(?:有|能|就|才|只有|只|大概|差不多|能挣|挣|拿|能拿|共|一共|总共|也就|左右|下来)?\s*$"
_YEARLY = re.compile(r"(?:年收入|年入|每年|1年|一年|全年|年|/年)" + _FILLER)
_MONTHLY = re.compile(r"(?:月收入|月入|每月|个月|月|/月)" + _FILLER)
_INCOME_AFTER = re.compile(
    r"^\s*(?:多|来)?\s*(?:元|块|块钱)?\s*(?:的)?\s*(?:收入|工资|养老金|退休金|工钱)"
)
_YEARLY_AFTER = re.compile(r"^\s*(?:多|来)?\s*(?:元|块|块钱)?\s*(?:/|每|一|1)年")
_EXPENSE_AFTER = re.compile(
    r"^\s*(?:多|来)?\s*(?:元|块|块钱)?\s*(?:的)?\s*(?:押金|医药费|药费|手术费|学费|房租|债|贷款|存款|以上|以下|以内)"
)
_ALONE = re.compile(r"[\s,.!?]*(?:大概|大约|差不多|约)?\s*#\s*(?:左右|上下|多|来|的样子)?[\s,.!?]*")
_CLAUSE_BREAK = re.compile(r"[,.;!?，。；！？\n]")

_AGE = (
    re.compile(
        r"(?<!\d)(\d{1,3})\s*(?:多|来)?\s*(?:周岁|岁)(?!\s*(?:以上|以下|以内|及以上|之前|之后|前|后))"
    ),
    re.compile(
        r"(?:今年|年纪|年龄|岁数|我都|我已经|老人家?|已经)\s*(?:是|有|:)?\s*(\d{2,3})(?![\d年万千.])"
    ),
    re.compile(r"(?:我|他|她|老伴|老人)\s*(?:今年)?\s*(\d{2,3})\s*(?:了|啦)"),
)
_HOUSEHOLD = (
    re.compile(r"(?<!\d)(\d{1,2})\s*口(?:人|之家)?(?!罩|袋|气|井|水)"),
    re.compile(
        r"(?:家里|家中|家|屋里|屋头|户里|一共|总共|我们|我们家|共)\s*(?:有|是|就|只有|只剩|剩|剩下|就剩|共|一共)?\s*"
        r"(\d{1,2})\s*(?:个)?(?:人|口)"
    ),
    re.compile(r"(?<!\d)(\d{1,2})\s*个人\s*(?:过|住|生活|吃饭|过日子|相依为命)"),
    re.compile(r"(?:就|只有|只)\s*(?:我|俺)\s*(1)\s*个(?:人)?"),
    re.compile(r"(?:户口本上|户口上|户籍)\s*(?:有|是|一共|共)?\s*(\d{1,2})\s*(?:个)?(?:人|口)"),
)
_GRADE = (
    re.compile(
        r"(?<!\d)([1-4])\s*级\s*(?:的)?\s*(?:残疾|伤残|残|肢体|视力|听力|言语|智力|精神|多重|盲|聋)"
    ),
    re.compile(
        r"(?:残疾证|残疾|残疾等级|残疾级别|伤残等级|残疾人证)\s*(?:是|为|:|等级|评的|评了|办的)?\s*([1-4])\s*级"
    ),
    re.compile(r"(?:肢体|视力|听力|言语|智力|精神|多重)\s*(?:残疾)?\s*([1-4])\s*级"),
)


def _clause_before(text: str, start: int, width: int = 10) -> str:
    window = text[max(0, start - width) : start]
    parts = _CLAUSE_BREAK.split(window)
    return parts[-1]


def _clause_after(text: str, end: int, width: int = 8) -> str:
    return _CLAUSE_BREAK.split(text[end : end + width])[0]


def _last_position(text: str, words: tuple[str, ...]) -> int:
    """Where the last of ``words`` ends in ``text`` (-1: none)."""
    return max((text.rfind(word) + len(word) for word in words if word in text), default=-1)


def _number_value(match: re.Match[str]) -> float:
    number = float(match.group(1))
    unit = (match.group(2) or "").lower()
    tail = match.group(3)
    if unit in ("万", "w"):
        return number * 10000 + (int(tail) * 1000 if tail else 0)
    if unit in ("千", "k"):
        return number * 1000 + (int(tail) * 100 if tail else 0)
    return number


def find_money(text: str, taken: list[tuple[int, int]]) -> list[Found]:
    """Incomes, as yuan per month ("1年24000" → 2000, "每月养老金300元" → 300)."""
    found: list[Found] = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if _overlaps(start, end, taken) or len(match.group(1).split(".")[0]) > 7:
            continue
        after = text[end:]
        before = _clause_before(text, start)
        currency = start > 0 and text[start - 1] in "¥$"
        has_unit = bool(match.group(2)) or bool(_MONEY_UNIT.match(after)) or currency
        if not has_unit and _NOT_MONEY_AFTER.match(after):
            continue
        value = _number_value(match)
        income_at = _last_position(before, _INCOME_WORDS)
        expense_at = _last_position(before, _EXPENSE_WORDS)
        keyword = income_at > expense_at or bool(_INCOME_AFTER.match(after))
        period_before = bool(_YEARLY.search(before) or _MONTHLY.search(before))
        # A message that is only an amount ("一千五", "大概1200") answers "how much a month".
        alone = _ALONE.fullmatch(text[:start] + "#" + text[end:]) is not None and value >= 100
        if not (has_unit or keyword or alone or (period_before and value >= 100)):
            continue
        if expense_at > income_at and not _INCOME_AFTER.match(after):
            continue  # the nearest word before it spends, owes or saves
        if _EXPENSE_AFTER.match(after):
            continue
        if value < 1:
            continue
        yearly = bool(_YEARLY.search(before)) and not _MONTHLY.search(before)
        if "年" in before and "月" not in before:
            yearly = True
        if _YEARLY_AFTER.match(after):
            yearly = True
        unit_match = _MONEY_UNIT.match(after)
        span_end = end + unit_match.end() if unit_match else end
        monthly = round(value / 12) if yearly else round(value)
        found.append(Found("monthly_income", int(monthly), start, span_end))
    return found


def find_ages(text: str, taken: list[tuple[int, int]]) -> list[Found]:
    found: list[Found] = []
    for pattern in _AGE:
        for match in pattern.finditer(text):
            start, end = match.span(1)
            value = int(match.group(1))
            if 0 <= value <= 120 and not _overlaps(start, end, taken):
                found.append(Found("age", value, start, end))
                taken.append((start, end))
    return found


def find_household_sizes(text: str, taken: list[tuple[int, int]]) -> list[Found]:
    found: list[Found] = []
    for pattern in _HOUSEHOLD:
        for match in pattern.finditer(text):
            start, end = match.span(1)
            value = int(match.group(1))
            if 1 <= value <= 20 and not _overlaps(start, end, taken):
                found.append(Found("household_size", value, start, end))
                taken.append((start, end))
    return found


def find_grades(text: str, taken: list[tuple[int, int]]) -> list[Found]:
    found: list[Found] = []
    for pattern in _GRADE:
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if not _overlaps(start, end, taken):
                found.append(Found("disability_grade", int(match.group(1)), start, end))
                taken.append((start, end))
    return found


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)
