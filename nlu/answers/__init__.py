"""Answer readers: one small pure function per kind of form question.

Each reads the user's text (normalised by ``nlu.normalize``) and returns a
``Reading``: the value (None when the answer does not give it), how sure it is, and
every other fact the message held (keyed as ``nlu.facts.extract_facts`` keys them).

The readers sit on top: the finders (``nlu.finders``) find each kind of fact, the
extractor (``nlu.facts``) is built from them, and a reader here uses both.
"""

from nlu.answers.choice import read_choice, read_choices
from nlu.answers.confirm import read_confirm, read_consent, read_yes_no
from nlu.answers.counts import read_ages, read_assets_count, read_count, read_grade
from nlu.answers.free import read_free_text
from nlu.answers.identity import (
    read_case_number,
    read_id_last6,
    read_id_number,
    read_name,
    read_phone,
)
from nlu.answers.members import read_conditions
from nlu.answers.money import read_money
from nlu.answers.place import read_place
from nlu.answers.reading import Reading
from nlu.answers.situation import read_change, read_event, read_residence, read_supporters
from nlu.finders.choice import choices_from
from nlu.finders.place import Place
from nlu.finders.values import UNKNOWN, Choice, Range

__all__ = [
    "UNKNOWN",
    "Choice",
    "Place",
    "Range",
    "Reading",
    "choices_from",
    "read_ages",
    "read_assets_count",
    "read_case_number",
    "read_change",
    "read_choice",
    "read_choices",
    "read_conditions",
    "read_confirm",
    "read_consent",
    "read_count",
    "read_event",
    "read_free_text",
    "read_grade",
    "read_id_last6",
    "read_id_number",
    "read_money",
    "read_name",
    "read_phone",
    "read_place",
    "read_residence",
    "read_supporters",
    "read_yes_no",
]
