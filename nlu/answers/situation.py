"""Reading the answer to the residence, supporters, sudden-event and check-in change
questions. Residence, supporters and events are found by ``nlu.finders.situation``."""

from __future__ import annotations

from nlu.answers.confirm import yes_no_value
from nlu.answers.reading import Reading, other_facts
from nlu.finders.negation import is_negated
from nlu.finders.situation import event_of, relatives_gone, residence_of, supporters_of
from nlu.finders.text import find_all, joined_slowly_typed, prepare, terms
from nlu.finders.values import UNKNOWN

STORY_CLAUSES = 4  # a message this long tells a story rather than answering one question


def read_residence(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """城镇 or 农村. In a story (several clauses) that names the household's place, the
    place decides (a 村 or 乡 is rural, a 社区 or 街道 urban): "两边老人都在农村" is about
    others."""
    prepared = prepare(text).text
    value = residence_of(prepared, asked=True)
    facts = other_facts(text, "residence", (), region=region, applicant=applicant)
    placed = facts.pop("residence", None)
    if placed and len(prepared.split(",")) >= STORY_CLAUSES and facts.get("township"):
        value = placed
    return Reading(value, sure=value is not None, facts=facts)


def read_supporters(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    value = supporters_of(prepare(text).text, asked=True)
    facts = other_facts(
        text, "supporters", ("supporters_able",), region=region, applicant=applicant
    )
    return Reading(value, sure=value not in (None, UNKNOWN), facts=facts)


def read_event(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """The event value and, in ``facts``, its one-off cost when a bill is named."""
    # "那 是 半年 前 了": a time typed slowly is one phrase ("半年前"), not four clauses
    said = prepare(joined_slowly_typed(text)).text
    value = event_of(said, asked=True)
    facts = other_facts(text, "event", ("hardship_event",), region=region, applicant=applicant)
    if value == "other" and relatives_gone(said, facts.get("supporters_able")):
        value = None  # "公婆都過世了，沒有人能幫我們": who could help; the question again
    return Reading(value, sure=value is not None, facts=facts)


CHANGED, UNCHANGED = "changed", "unchanged"


def change_of(text: str) -> str | None:
    """Has something changed (the check-in's questions)?

    Rules, in order: a no-change phrase ("没有变化", "老样子") → unchanged; a change named
    outside a negation ("少了一个人", "搬家了") → changed; else the answer's first word
    as a yes/no ("有" → changed, "没有" → unchanged); else None.
    """
    if any(word in text for word in terms("situation", "change", "unchanged")):
        return UNCHANGED
    for start, end, _word in find_all(text, terms("situation", "change", "changed")):
        if not is_negated(text, start, end):
            return CHANGED
    said = yes_no_value(text)
    if said is True:
        return CHANGED
    if said is False:
        return UNCHANGED
    return None


def read_change(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """ "changed", "unchanged" or None (the answer says neither)."""
    value = change_of(prepare(text).text)
    facts = other_facts(text, "change", (), region=region, applicant=applicant)
    return Reading(value, sure=value is not None, facts=facts)
