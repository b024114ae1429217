"""Cached texts (``base.texts.Texts``) read exactly as texts rendered afresh every time."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from base.texts import Texts, compile_text, render

SOURCES = {
    "plain": "您好！\n\n\n\n请选择。\n",
    "value": "数值：{{ v }}",
    "items": "{% for x in xs %}{{ x }}；{% endfor %}",
    "model": "{{ m.name }}（{{ m.tags | join('、') }}）",
}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    tags: list[str]


class Loose(BaseModel):
    name: str
    tags: list[str]


@dataclass(frozen=True)
class Place:
    name: str


@pytest.fixture
def texts(tmp_path: Path) -> Texts:
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in SOURCES.items()]
    (tmp_path / "t.yml").write_text("\n".join(lines), encoding="utf-8")
    return Texts(tmp_path)


def fresh(key: str, **values: object) -> str:
    return render(compile_text(SOURCES[key]), **values)


def test_a_text_without_variables_is_the_same_every_time(texts: Texts) -> None:
    assert texts("t.plain") == fresh("plain") == "您好！\n\n请选择。"
    assert texts("t.plain") == texts("t.plain", unused=1) == fresh("plain")


@pytest.mark.parametrize(
    "values",
    [
        [1, 1.0, True, Decimal("1.0"), Decimal("1.00"), "1"],
        [0.0, -0.0, False, 0, None],
        [
            dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC),
            dt.datetime(2026, 1, 1, 20, tzinfo=dt.timezone(dt.timedelta(hours=8), "CST")),
            dt.date(2026, 1, 1),
        ],
        [(1, 2), [1, 2], {"a": 1}, {"a": 1.0}],
    ],
)
def test_equal_values_that_read_differently_are_not_mixed_up(
    texts: Texts, values: list[object]
) -> None:
    for _ in range(2):
        for value in values:
            assert texts("t.value", v=value) == fresh("value", v=value)


def test_a_list_changed_after_the_call_is_read_anew(texts: Texts) -> None:
    xs = ["甲"]
    assert texts("t.items", xs=xs) == "甲；"
    xs.append("乙")
    assert texts("t.items", xs=xs) == "甲；乙；" == fresh("items", xs=xs)


def test_models_frozen_or_not(texts: Texts) -> None:
    frozen = Frozen(name="低保", tags=["城市", "农村"])
    assert texts("t.model", m=frozen) == texts("t.model", m=frozen) == fresh("model", m=frozen)
    other = Frozen(name="特困", tags=["供养"])
    assert texts("t.model", m=other) == "特困（供养）"
    loose = Loose(name="临时救助", tags=["急难"])
    assert texts("t.model", m=loose) == "临时救助（急难）"
    loose.name = "临时救助（改）"
    assert texts("t.model", m=loose) == "临时救助（改）（急难）"
    place = Place("长春镇")
    assert texts("t.value", v=place) == fresh("value", v=place)


def test_a_missing_variable_still_fails(texts: Texts) -> None:
    from jinja2 import UndefinedError

    for _ in range(2):
        with pytest.raises(UndefinedError):
            texts("t.value")
