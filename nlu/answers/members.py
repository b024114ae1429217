"""Reading the answer to the conditions question (who is ill, disabled, at school or out
of work). The conditions are found by ``nlu.finders.members``."""

from __future__ import annotations

from nlu.answers.reading import Reading, other_facts
from nlu.finders.members import KINDS, conditions_of
from nlu.finders.text import prepare


def read_conditions(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """Who is seriously ill, disabled (grade, kind), a student, unemployed.

    The value maps each kind said to a list (``ill: [spouse]``,
    ``disabled: [{who: child, grade: 1}]``); a kind denied is an empty list; a kind
    not mentioned is absent. None when the answer says nothing about any kind.
    """
    value = conditions_of(prepare(text).text, applicant, asked=True) or None
    facts = other_facts(text, "conditions", KINDS, region=region, applicant=applicant)
    return Reading(value, sure=value is not None, facts=facts)
