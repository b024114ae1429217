"""The 口述办 fact extractor: every fact a staff member's account of a resident gives.

The seam ``services.intake.FactExtractor`` takes any ``(account, region) → IntakeFacts``;
this one serves until the one fact extractor (``nlu/facts.py``) replaces it. It reads
with the same NLU the chat uses; its words are in ``services/intake.yml``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from base.datafiles import load_yaml
from nlu.entities import extract_entities
from nlu.normalize import normalize
from nlu.places import match_place
from nlu.validators import id_number_problem
from services.intake import IntakeFacts

INTAKE_FILE = Path(__file__).with_name("intake.yml")
_ID_LIKE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    words: dict[str, Any] = load_yaml(INTAKE_FILE)["words"]
    return words


def extract_name(text: str) -> tuple[str | None, str | None]:
    """(full name, form of address) from an account: "王建国，68岁" / "王大爷68岁独居"."""
    words = _words()
    marked = re.search(r"(?:姓名|名字|名叫|叫做|叫)[:：是\s]*([\u4e00-\u9fa5]{2,4})", text)
    if marked:
        return marked.group(1), None
    surnames: str = words["surnames"]
    honorifics = "|".join(words["honorifics"])
    start = re.match(
        rf"\s*(?:申请人|居民|村民)?[:：\s]*([\u4e00-\u9fa5]{{1,2}}?)({honorifics})", text
    )
    if start and start.group(1)[0] in surnames:
        return None, start.group(1) + start.group(2)
    leading = re.match(
        r"\s*(?:申请人|居民|村民)?[:：\s]*([\u4e00-\u9fa5]{2,3})(?=[，,。\s、\d（(男女])", text
    )
    if leading and leading.group(1)[0] in surnames:
        return leading.group(1), None
    return None, None


def extract_facts(text: str, region_id: str) -> IntakeFacts:
    """Every fact the account gives, with the same NLU the chat uses."""
    words = _words()
    facts = IntakeFacts()
    facts.name, facts.name_hint = extract_name(text)
    for found in extract_entities(text):
        if found.entity == "id_number" and facts.id_number is None:
            facts.id_number = str(found.value)
        elif found.entity == "phone" and facts.phone is None:
            facts.phone = str(found.value)
        elif found.entity == "age" and facts.age is None:
            facts.age = int(found.value)
        elif found.entity == "household_size" and facts.household_size is None:
            facts.household_size = int(found.value)
        elif found.entity == "monthly_income" and facts.monthly_income is None:
            facts.monthly_income = float(found.value)
        elif found.entity == "program" and found.value not in facts.programs:
            facts.programs.append(str(found.value))
        elif found.entity == "illness" and found.value not in facts.illness:
            facts.illness.append(str(found.value))
        elif found.entity == "disability_grade" and facts.disability_grade is None:
            facts.disability_grade = int(found.value)
    plain = normalize(text).text
    if facts.id_number is None and (raw_id := _ID_LIKE.search(plain)):
        facts.id_number = raw_id.group().upper()  # kept so its problem can be shown
    if facts.household_size is None and any(w in plain for w in words["alone"]):
        facts.household_size = 1
    place = match_place(text, region_id)
    if place is not None:
        facts.township, facts.village = place.township, place.village
    if facts.village:
        facts.residence = "rural" if facts.village.endswith("村") else "urban"
    for item in words["conditions"]:
        if any(w in plain for w in item["words"]):
            facts.conditions.append(item["value"])
    if facts.disability_grade and "disability" not in facts.conditions:
        facts.conditions.append("disability")
    if facts.age is None and facts.id_number and not id_number_problem(facts.id_number):
        facts.age = age_from_id(facts.id_number, dt.date.today())
    return facts


def age_from_id(id_number: str, today: dt.date) -> int:
    born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
