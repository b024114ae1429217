"""Who someone is: name, 身份证号 and phone read out of an answer, and why a value is refused.

Shared by the check-in binding, urgent help, reports and feedback. The NLU only tags a
身份证号 that passes its checksum, so a mistyped one is read here from the raw digits:
the user is then told *what* is wrong (length, date, check character) rather than
"not understood".
"""

from __future__ import annotations

import re
from typing import Any

from flows.base import TurnContext
from flows.extract import text_of
from flows.texts import texts
from nlu.validators import id_number_problem, mask_id, mask_phone, phone_problem

SKIP = "skip"  # an optional answer left out on purpose (跳过, 匿名, 不留)

_ID_RUN = re.compile(r"[0-9][0-9Xx×]{5,}")
_DIGIT_RUN = re.compile(r"[0-9][0-9\s-]{1,}[0-9]")
_WORDS: dict[str, Any] = texts().raw("identity.words")


def _clean_name(text: str) -> str:
    for prefix in _WORDS["name_prefixes"]:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.strip().strip("。.!！,，")


def name(ctx: TurnContext) -> str | None:
    """In 简体, as the roster keeps names: "我叫張三" → 张三."""
    found = _clean_name(text_of(ctx).strip())
    return found or None


def name_problem(value: str, _: dict[str, Any]) -> str | None:
    if re.search(r"\d", value):
        return texts()("identity.name_digits")
    if not 2 <= len(value) <= 20:
        return texts()("identity.name_length")
    return None


def id_number(ctx: TurnContext) -> str | None:
    """The 身份证号 as typed (checked by ``id_problem``), the entity when tagged."""
    tagged = ctx.parse.first("id_number")
    if tagged:
        return str(tagged).upper()
    runs = _ID_RUN.findall(text_of(ctx).replace(" ", ""))
    if not runs:
        return None
    return max(runs, key=len).upper().replace("×", "X")


def id_problem(value: str, _: dict[str, Any]) -> str | None:
    return id_number_problem(value)


def phone(ctx: TurnContext) -> str | None:
    tagged = ctx.parse.first("phone")
    if tagged:
        return str(tagged)
    runs = _DIGIT_RUN.findall(text_of(ctx))
    return re.sub(r"[\s-]", "", max(runs, key=len)) if runs else None


def phone_or_skip(ctx: TurnContext) -> str | None:
    """A phone, or SKIP when the user prefers not to leave one (匿名, 跳过, 不方便)."""
    found = phone(ctx)
    if found:
        return found
    text = text_of(ctx)
    return SKIP if any(word in text for word in _WORDS["skip"]) else None


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
