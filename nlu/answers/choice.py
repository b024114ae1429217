"""Reading the answer to a question with choices (buttons with words): one choice, or
several. How a choice is found in a text is ``nlu.finders.choice``."""

from __future__ import annotations

from collections.abc import Iterable

from nlu.answers.reading import Reading, other_facts
from nlu.finders.choice import bare_no, choice_of, direct_choice, mentions
from nlu.finders.negation import says_none_at_all
from nlu.finders.text import prepare
from nlu.finders.values import Choice


def read_choice(
    text: str,
    choices: Iterable[Choice],
    *,
    payload: str | None = None,
    slot: str | None = None,
    region: str | None = None,
    applicant: str = "self",
) -> Reading:
    """One of ``choices`` (its value), or None when the answer names none or several."""
    options = tuple(choices)
    value, sure = choice_of(prepare(text).text, options, payload)
    facts = other_facts(text, slot, (slot,) if slot else (), region=region, applicant=applicant)
    return Reading(value, sure=sure, facts=facts)


def read_choices(
    text: str,
    choices: Iterable[Choice],
    *,
    payloads: Iterable[str] = (),
    slot: str | None = None,
    region: str | None = None,
    applicant: str = "self",
) -> Reading:
    """Several of ``choices``: a list of values (an explicit [] for "都没有"), or None."""
    options = tuple(choices)
    prepared = prepare(text).text
    chosen: list[str] = []
    for payload in payloads:
        direct = direct_choice("", options, payload)
        if direct is not None and direct.value not in chosen:
            chosen.append(direct.value)
    numbers = [
        int(part) for part in prepared.replace("/", ",").split(",") if part.strip().isdigit()
    ]
    if numbers and all(1 <= number <= len(options) for number in numbers):
        chosen += [options[n - 1].value for n in numbers if options[n - 1].value not in chosen]
    named, negated = mentions(prepared, options)
    chosen += [
        choice.value for choice in options if choice.value in named and choice.value not in chosen
    ]
    value: list[str] | None = chosen
    if not chosen and not negated and not says_none_at_all(prepared) and not bare_no(prepared):
        value = None
    facts = other_facts(text, slot, (slot,) if slot else (), region=region, applicant=applicant)
    return Reading(value, sure=value is not None, facts=facts)
