"""``extract_facts`` keeps each text's reading (one turn reads a text twice, short
messages repeat): every caller still gets facts of its own, and of today."""

from __future__ import annotations

import datetime as real_datetime

import pytest

import nlu.facts
from nlu.facts import extract_facts

STORY = "我是1960年出生的，家里3口人，丈夫有残疾"


def test_a_caller_changing_its_facts_does_not_change_the_next_reading() -> None:
    first = extract_facts(STORY)
    first["ages"].append(5)
    first["disabled"][0]["who"] = "self"
    first["household_size"] = 9
    again = extract_facts(STORY)
    assert again["household_size"] == 3
    assert again["disabled"] == [{"who": "spouse"}]
    assert again["ages"] == [real_datetime.date.today().year - 1960]


def test_an_age_from_a_birth_year_is_counted_on_the_day_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    this_year = real_datetime.date.today().year
    assert extract_facts(STORY)["ages"] == [this_year - 1960]

    class NextYear(real_datetime.date):
        @classmethod
        def today(cls) -> NextYear:
            return cls(this_year + 1, 6, 1)

    monkeypatch.setattr(real_datetime, "date", NextYear)  # what the age readers see
    monkeypatch.setattr(nlu.facts, "date", NextYear)
    assert extract_facts(STORY)["ages"] == [this_year + 1 - 1960]
