"""Reading the answer to a count question: household size, ages, disability grade,
vehicles, houses. The counts are found by ``nlu.finders.counts``."""

from __future__ import annotations

import re
from typing import Any

from nlu.answers.reading import Reading, other_facts
from nlu.finders._words import words
from nlu.finders.counts import (
    PARTICLES,
    PUNCT,
    ages_of,
    grade_of,
    household_size_of,
    houses_of,
    vehicles_of,
)
from nlu.finders.text import is_unknown, prepare, segments
from nlu.finders.values import UNKNOWN

_BARE_PEOPLE = re.compile(r"(\d+)\s*(?:口人|个人|口|人)?")


def read_count(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """How many people live and budget together (1–20), or None — with the reason when
    the answer is a number out of range ("50")."""
    value: int | None = None
    prepared = prepare(text).text
    for index, part in enumerate(segments(prepared)):
        found = household_size_of(part, asked=True, corrected=index > 0)
        if found is not None:
            value = found
    facts = other_facts(
        text, "household_size", ("household_size",), region=region, applicant=applicant
    )
    problem = None
    bare = _BARE_PEOPLE.fullmatch(prepared.strip(PUNCT + PARTICLES))
    if value is None and bare and not 1 <= int(bare.group(1)) <= 20:
        problem = str(words("counts")["household"]["out_of_range"])
    return Reading(value, sure=value is not None, facts=facts, problem=problem)


def read_ages(
    text: str, size: int | None = None, *, region: str | None = None, applicant: str = "self"
) -> Reading:
    """The ages of the household's members, applicant first, as a list; None when
    none is given. Not sure when ``size`` is given and the count differs."""
    ages = ages_of(prepare(text).text, asked=True)
    value = ages or None
    sure = value is not None and (size is None or len(ages) == size)
    facts = other_facts(text, "ages", ("ages",), region=region, applicant=applicant)
    return Reading(value, sure=sure, facts=facts)


def read_grade(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """The grade on the disability certificate (1 = most severe), "unknown" or None."""
    value: int | str | None = None
    for part in segments(prepare(text).text):  # "3级 不对 是2级": the corrected one
        found = grade_of(part, asked=True)
        if found is not None:
            value = found
    facts = other_facts(
        text, "disability_grade", ("disability_grade",), region=region, applicant=applicant
    )
    return Reading(value, sure=value not in (None, UNKNOWN), facts=facts)


def read_assets_count(
    text: str, kind: str, *, region: str | None = None, applicant: str = "self"
) -> Reading:
    """``kind`` "vehicles" (motor vehicles) or "houses" (dwellings owned): a count, 0,
    "unknown" or None."""
    finder = {"vehicles": vehicles_of, "houses": houses_of}[kind]
    prepared = prepare(text).text
    value: Any = None
    for part in segments(prepared):
        found = finder(part, asked=True)
        if found is not None:
            value = found
    if value is None and is_unknown(prepared):
        value = UNKNOWN
    facts = other_facts(text, kind, (kind,), region=region, applicant=applicant)
    return Reading(value, sure=value not in (None, UNKNOWN), facts=facts)
