"""Reading the answer to a money question: the amount for the role asked. The amounts,
their roles and periods are found by ``nlu.finders.money``."""

from __future__ import annotations

from nlu.answers.reading import Reading, other_facts
from nlu.finders.money import FACT_KEY, ROLES, money_of
from nlu.finders.text import prepare
from nlu.finders.values import UNKNOWN, Range

ROLE_SLOT = {
    "income": "monthly_income",
    "medical": "medical",
    "education": "education",
    "one_off": "one_off",
    "deposits": "deposits",
    "debt": "debt",
}


def read_money(
    text: str, role: str, *, region: str | None = None, applicant: str = "self"
) -> Reading:
    """The amount for ``role`` (income, medical, education, one_off, deposits, debt).

    Monthly for income, medical and education; a total for the others. 0 when the
    answer says there is none, "unknown" when the resident does not know, a ``Range``
    for "几千", None when the answer gives no amount for this role (a one-off bill at
    the medical question, "1套" at deposits: those are in ``facts``).
    """
    if role not in ROLES:
        raise ValueError(f"unknown money role {role!r}; one of {ROLES}")
    prepared = prepare(text)
    money = money_of(prepared.text, prepared.simple, role)
    value = money.totals.get(role)
    own = (FACT_KEY[role],)
    facts = other_facts(text, ROLE_SLOT[role], own, region=region, applicant=applicant)
    sure = value is not None and not isinstance(value, Range) and value != UNKNOWN
    return Reading(
        value, sure=sure, facts=facts, period=money.periods.get(role), approx=money.approx.get(role)
    )
