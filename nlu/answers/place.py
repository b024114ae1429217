"""Reading the answer to the place question (township and village). The place is found
by ``nlu.finders.place``."""

from __future__ import annotations

from nlu.answers.reading import Reading, other_facts
from nlu.finders.place import place_of


def read_place(text: str, region: str, *, applicant: str = "self") -> Reading:
    """Township and village of the region named in the answer: value is a ``Place``,
    or None. Misspelt and shortened names are read (金华坪 → 金花坪社区)."""
    place = place_of(text, region)
    facts = other_facts(text, "place", ("township", "village"), region=region, applicant=applicant)
    sure = place is not None and place.village is not None
    return Reading(place, sure=sure, facts=facts)
