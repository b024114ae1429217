"""Who someone is: name, 身份证号 and phone, read by ``nlu.answers``, and why a value is
refused.

Shared by applying, the check-in binding, urgent help, reports and feedback. A
mistyped 身份证号 or phone comes back from its reader with the problem (length, date,
check character), so the user is told *what* is wrong rather than "not understood".
"""

from __future__ import annotations

import re
from typing import Any

from flows import reading
from flows.base import TurnContext
from flows.texts import texts
from nlu.answers import Reading
from nlu.finders.identity import digit_runs
from nlu.finders.text import prepare
from nlu.validators import id_number_problem, mask_id, mask_phone, phone_problem

SKIP = "skip"  # an optional answer left out on purpose (跳过, 匿名, 不留)

_WORDS: dict[str, Any] = texts().raw("identity.words")


def name(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """The name as on the ID card ("我叫張三" → 张三, "卫三百" stays a name); a name typed
    with digits ("张3") is refused with the reason."""
    found = reading.name(ctx, values)
    if found.value is None and re.search(r"\d", ctx.text):
        return Reading(None, sure=False, facts=found.facts, problem=texts()("identity.name_digits"))
    return found


def name_problem(value: str, _: dict[str, Any]) -> str | None:
    if re.search(r"\d", value):
        return texts()("identity.name_digits")
    if not 2 <= len(value) <= 20:
        return texts()("identity.name_length")
    return None


def id_number(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    found = reading.id_number(ctx, values)
    body = prepare(ctx.text).text
    if (
        found.value is None
        and found.problem is None
        and any(prepare(word).text in body for word in _WORDS["id_later"])
    ):
        # "身份证号码忘带了 明天补": not "没找到身份证号" again — the form waits
        return Reading(None, sure=False, facts=found.facts, problem=texts()("identity.id_later"))
    return found


def id_problem(value: str, _: dict[str, Any]) -> str | None:
    return id_number_problem(value)


def phone(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """An 11-digit mobile number; digits that do not make one come back with the reason
    ("手机号应为11位，您输入的是3位")."""
    found = reading.phone(ctx, values)
    if found.value is None and found.problem is None:
        runs = [run for run in digit_runs(ctx.text) if len(run) >= 3]
        if runs:
            problem = phone_problem(max(runs, key=len))
            return Reading(None, sure=False, facts=found.facts, problem=problem)
    return found


def says_skip(text: str) -> bool:
    """ "跳过", "不方便留", "匿名": an optional answer left out on purpose."""
    body = prepare(text).text
    return any(prepare(word).text in body for word in _WORDS["skip"])


def phone_or_skip(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """A phone, or SKIP when the user prefers not to leave one (匿名, 跳过, 不方便)."""
    found = phone(ctx, values)
    if found.value is None and says_skip(ctx.text):
        return Reading(SKIP, facts=found.facts)
    return found


def contact_problem(value: str, _: dict[str, Any]) -> str | None:
    return None if value == SKIP else phone_problem(value)


def phone_check(value: str, _: dict[str, Any]) -> str | None:
    return phone_problem(value)


def show_id(value: str) -> str:
    return mask_id(value)


def show_phone(value: str) -> str:
    return texts()("identity.not_left") if value == SKIP else mask_phone(value)


def given(value: str | None) -> str | None:
    """The phone to store: None when it was skipped."""
    return None if value in (None, SKIP) else value
