"""A single fact of the screening rules, computed for an answer that states it."""

from __future__ import annotations

import pytest

from policies.engine import load_rules


def test_edge_limit_is_computed_by_its_rule() -> None:
    rules = load_rules()
    assert rules.fact_value("edge_limit", {"dibao_standard": 650.0}) == 975.0
    assert rules.fact_value("edge_limit", {"dibao_standard": 418.0}) == 627.0


def test_a_member_fact_or_an_unknown_name_is_refused() -> None:
    rules = load_rules()
    with pytest.raises(KeyError):
        rules.fact_value("labour_capacity", {})
    with pytest.raises(KeyError):
        rules.fact_value("no_such_fact", {})
