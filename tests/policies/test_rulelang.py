"""The rule language: three-valued logic, unknown propagation, checked references."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from base.datafiles import DataFileError
from policies.rulelang import Scope, compile_expr

NAMES = {"a", "b", "flag", "maybe", "deposits"}


def _run(
    expr: Any, env: dict[str, Any] | None = None, members: list[dict[str, Any]] | None = None
) -> Any:
    scope = Scope(path=Path("inline.yml"), names=set(NAMES), member_names={"age", "ill"})
    values = {"a": 3, "b": 5, "flag": True, "maybe": None, "deposits": None}
    values.update(env or {})
    values["members_list"] = members or []
    return compile_expr(expr, scope, "expr")(values, None)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ({"all": [True, True]}, True),
        ({"all": [True, None]}, None),
        ({"all": [None, False]}, False),  # one certain failure decides
        ({"any": [False, None]}, None),
        ({"any": [None, True]}, True),  # one certain success decides
        ({"any": [False, False]}, False),
        ({"not": None}, None),
        ({"not": "flag"}, False),
        ({"known": "maybe"}, False),
        ({"unknown": "maybe"}, True),
    ],
)
def test_three_valued_logic(expr: Any, expected: bool | None) -> None:
    assert _run(expr) is expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ({"lt": ["a", "b"]}, True),
        ({"le": ["a", 3]}, True),
        ({"gt": ["a", 3]}, False),
        ({"lt": ["deposits", 100]}, None),  # an unknown amount is never treated as 0
        ({"add": ["a", "b", 1]}, 9),
        ({"sub": ["b", "a"]}, 2),
        ({"mul": ["a", "deposits"]}, None),
        ({"div": ["b", 0]}, None),
        ({"round": [{"div": [10, 3]}, 2]}, 3.33),
        ({"max": [0, {"sub": ["a", "b"]}]}, 0),
        ({"if": ["flag", "a", "b"]}, 3),
        ({"if": ["maybe", "a", "b"]}, None),
        ({"in": [{"lit": "fire"}, ["fire", "accident"]]}, True),
        ({"missing": ["a", "deposits", "maybe"]}, ["deposits", "maybe"]),
    ],
)
def test_comparisons_and_arithmetic(expr: Any, expected: Any) -> None:
    assert _run(expr) == expected


def test_member_quantifiers() -> None:
    members = [{"age": 70, "ill": False}, {"age": 30, "ill": True}, {"age": 8, "ill": False}]
    assert _run({"count_members": True}, members=members) == 3
    assert _run({"count_members": {"lt": ["member.age", 18]}}, members=members) == 1
    assert _run({"any_member": "member.ill"}, members=members) is True
    assert _run({"any_member": {"gt": ["member.age", 80]}}, members=members) is False
    assert _run({"sum_members": "member.age"}, members=members) == 108
    assert _run({"sum_members": {"if": ["member.ill", "maybe", 0]}}, members=members) is None


@pytest.mark.parametrize(
    ("expr", "where"),
    [
        ("nothing_here", "expr"),
        ({"lt": ["a"]}, "expr.lt"),
        ({"frobnicate": 1}, "expr"),
        ({"gt": ["member.age", 1]}, "expr.gt[0]"),  # member field outside a member expression
        ({"any_member": "member.height"}, "expr.any_member"),
        ({"status": "dibao"}, "expr.status"),  # no program decided before this point
        ({"all": "flag"}, "expr.all"),
    ],
)
def test_bad_expressions_are_refused_at_load_time(expr: Any, where: str) -> None:
    with pytest.raises(DataFileError) as refused:
        _run(expr)
    assert refused.value.path == "inline.yml"
    assert refused.value.message.startswith(where + ":"), refused.value.message
