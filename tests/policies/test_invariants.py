"""Properties that hold for every household, checked on 2,000 seeded random ones."""

from __future__ import annotations

import random
from typing import Any

import pytest

from policies.catalog import PROGRAM_IDS
from policies.screening import ScreeningResult, screen

CASH_PROGRAMS = {"dibao", "tekun", "disability", "child"}


def _household(rng: random.Random) -> dict[str, Any]:
    def member(relation: str) -> dict[str, Any]:
        grade = rng.choice([None, None, None, 1, 2, 3, 4])
        return {
            "age": rng.randint(0, 100),
            "relation": relation,
            "disability_grade": grade,
            "disability_kind": rng.choice(["physical", "intellectual", "mental"])
            if grade
            else None,
            "serious_illness": rng.random() < 0.1,
            "student": rng.choice(["none", "none", "compulsory", "college"]),
            "employment": rng.choice(["employed", "unemployed", "farming", "none"]),
            "parents_unable": rng.random() < 0.05,
        }

    size = rng.randint(1, 6)
    unknown = rng.random() < 0.3
    return {
        "region": "hunan-yiyang-ziyang",
        "date": rng.choice(["2022-07-01", "2023-07-01"]),
        "residence": rng.choice(["urban", "rural"]),
        "members": [member("self")] + [member("other") for _ in range(size - 1)],
        "monthly_income": rng.choice([0, 300, 600, 650, 900, 1500, 4000]) * size,
        "monthly_rigid_expenses": {"medical": rng.choice([0, 500, 3000]), "education": 0},
        "assets": {}
        if unknown
        else {"deposits": rng.choice([0, 20000]), "vehicles": rng.choice([0, 1]), "houses": 1},
        "supporters_able": rng.random() < 0.3,
        "hardship_event": rng.choice(["none", "none", "fire"]),
    }


def _screened() -> list[tuple[dict[str, Any], ScreeningResult]]:
    rng = random.Random(20230601)
    households = [_household(rng) for _ in range(2000)]
    return [(household, screen(household)) for household in households]


@pytest.fixture(scope="module")
def screened() -> list[tuple[dict[str, Any], ScreeningResult]]:
    return _screened()


def test_every_program_once_with_a_reason(screened: list[Any]) -> None:
    for _, result in screened:
        assert [program.program for program in result.programs] == list(PROGRAM_IDS)
        for program in result.programs:
            assert program.reasons, program.program


def test_amounts_only_for_likely_cash_programs(screened: list[Any]) -> None:
    for _, result in screened:
        for program in result.programs:
            if program.monthly_amount is not None:
                assert program.status == "likely"
                assert program.program in CASH_PROGRAMS
                assert program.monthly_amount >= 0


def test_dibao_amount_is_the_top_up(screened: list[Any]) -> None:
    for _, result in screened:
        dibao = result.program("dibao")
        if dibao.status == "likely":
            facts = result.facts
            expected = round(
                facts["dibao_standard"] * facts["members"] - facts["counted_income"], 2
            )
            assert dibao.monthly_amount == expected


def test_unknown_assets_never_make_an_asset_tested_program_likely(screened: list[Any]) -> None:
    for household, result in screened:
        if household["assets"] == {}:
            for program_id in ("dibao", "tekun", "dibao_edge"):
                assert result.program(program_id).status != "likely"
            if result.facts["income_below_standard"]:
                # possible, and the reasons say what is missing
                assert result.program("dibao").status == "possible"
                assert any("还不知道" in reason for reason in result.program("dibao").reasons)


def test_housing_is_never_likely(screened: list[Any]) -> None:
    assert all(result.program("housing").status != "likely" for _, result in screened)
