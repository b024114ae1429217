"""Reading the answer to a phone, 身份证号, name or case-number question. The numbers and
names are found by ``nlu.finders.identity``."""

from __future__ import annotations

import re

from nlu.answers.reading import Reading, other_facts
from nlu.finders.identity import (
    ID_NUMBER,
    PHONE,
    case_numbers_of,
    digit_runs,
    id_numbers_of,
    names_in,
    phones_of,
    tail_corrected,
)
from nlu.finders.text import letter_o_as_zero, simplify
from nlu.validators import id_number_problem, phone_problem


def read_phone(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """An 11-digit mobile number (13x–19x), or None with the reason when digits were
    typed but do not make one."""
    facts = other_facts(text, "phone", ("phone",), region=region, applicant=applicant)
    text = letter_o_as_zero(text)  # "158 7376 2O91"
    phones = phones_of(text)
    corrected = tail_corrected(text, 11)
    if corrected and PHONE.fullmatch(corrected) and phone_problem(corrected) is None:
        phones = [corrected]
    if phones:
        return Reading(phones[0], sure=len(set(phones)) == 1, facts=facts)
    problem = None
    long_runs = [run for run in digit_runs(text) if len(run) >= 7 and "X" not in run]
    if long_runs:
        problem = phone_problem(long_runs[0])
    return Reading(None, sure=False, facts=facts, problem=problem)


def read_id_number(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """An 18-character 身份证号 whose GB 11643 check character holds, or None (with the
    reason in ``problem`` when one was typed but is wrong)."""
    found, problem = id_numbers_of(text)
    corrected = tail_corrected(text, 18)
    if corrected and ID_NUMBER.fullmatch(corrected) and id_number_problem(corrected) is None:
        found, problem = [corrected], None
    facts = other_facts(text, "id_number", ("id_number",), region=region, applicant=applicant)
    if found:
        return Reading(found[0], sure=len(set(found)) == 1, facts=facts)
    return Reading(None, sure=False, facts=facts, problem=problem)


_LAST6 = re.compile(r"[0-9]{5}[0-9X]")


def read_case_number(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    found = case_numbers_of(text)
    facts = other_facts(text, "case_number", ("case_number",), region=region, applicant=applicant)
    return Reading(found[0] if found else None, sure=len(set(found)) == 1, facts=facts)


def read_id_last6(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """The last 6 characters of a 身份证号 (5 digits and a digit or X), typed or said
    digit by digit; the last one given."""
    found = [run.upper() for run in digit_runs(text) if _LAST6.fullmatch(run.upper())]
    return Reading(found[-1] if found else None, sure=bool(found))


# The one typing, introduced ("我是她外孙女李思雨", "我叫李思雨"): up to the clause's end.
_WRITER = re.compile(r"(?:我是|我叫|本人是)[^,.;!?:~，。；！？]*")


def _writers_own(text: str, name: str) -> bool:
    """Is ``name`` said in the clause where the one typing introduces themself?"""
    return any(name in match.group() for match in _WRITER.finditer(simplify(text)))


def read_name(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """The applicant's full name as on the ID card, or None; a title such as "王大爷"
    comes back as ``facts["name_hint"]``, never as the name."""
    found = names_in(text, asked=True)
    if applicant != "self" and found.name and _writers_own(text, found.name):
        # "写外婆的名字吧 陈玉梅 我是她外孙女李思雨": the one typing for her, not her
        rest = _WRITER.sub(",", simplify(text).replace(" ", ","))
        found = names_in(rest, asked=True)
    facts = other_facts(text, "name", ("name",), region=region, applicant=applicant)
    if found.hint and "name_hint" not in facts:
        facts["name_hint"] = found.hint
    if found.name and found.name in (facts.get("township"), facts.get("village")):
        return Reading(None, sure=False, facts=facts)  # "长春镇" at the name question: a place
    sure = found.name is not None and 2 <= len(found.name) <= 4
    return Reading(found.name, sure=sure, facts=facts)
