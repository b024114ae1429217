"""A five-question form used to exercise the form mechanism and the channels.

It is a real ``Form``: the mechanism under test runs unchanged; only the questions
and labels are the test's own (their texts live in ``tests/support/texts/``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from base.messages import BotReply
from flows import reading
from flows.base import TurnContext
from flows.forms import Choice, Form, Slot
from flows.texts import Texts

TEXTS = Texts(Path(__file__).parent / "texts")


def _size_problem(value: int, _: dict[str, Any]) -> str | None:
    return None if 1 <= value <= 20 else "家庭人数应在1到20人之间。"


def _phone_problem(value: str, _: dict[str, Any]) -> str | None:
    return None if re.fullmatch(r"1[3-9]\d{9}", value) else "手机号应为11位数字，以1开头。"


class DemoForm(Form):
    name = "demo"
    intents = ("self_screening",)
    questions = TEXTS
    slots = (
        Slot("who", "demo.who", label="labels.who"),
        Slot(
            "residence",
            "demo.residence",
            label="labels.residence",
            choices=(Choice("urban", "城镇", ("城里", "城市")), Choice("rural", "农村", ("乡下",))),
        ),
        Slot(
            "size",
            "demo.size",
            label="labels.size",
            read=reading.count,
            validate=_size_problem,
            show=lambda v: TEXTS("labels.show_people", v=v),
        ),
        Slot(
            "income",
            "demo.income",
            label="labels.income",
            read=reading.money("income"),
            show=lambda v: TEXTS("labels.show_yuan", v=v),
        ),
        Slot(
            "phone",
            "demo.phone",
            label="labels.phone",
            read=reading.phone,
            fact="phone",
            validate=_phone_problem,
        ),
    )

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        ctx.session.slots["demo_submitted"] = values
        return [BotReply(TEXTS("demo.done", **values))]


class EagerDemoForm(DemoForm):
    """The same form where the household size is also taken from the facts of any answer."""

    name = "demo_eager"
    slots = tuple(
        replace(s, fact="household_size") if s.name == "size" else s for s in DemoForm.slots
    )
