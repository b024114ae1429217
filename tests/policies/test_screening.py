"""``screen()`` as the flows call it: defaults, derived facts, regions and amounts."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from policies.household import Household, InvalidHousehold
from policies.regions import REGIONS_DIR, ParameterNotInForceError, parse_region
from policies.screening import ScreeningResult, screen

REGION = "hunan-yiyang-ziyang"


def _household(**changes: Any) -> dict[str, Any]:
    household: dict[str, Any] = {
        "region": REGION,
        "members": [{"age": 45, "employment": "employed"}],
        "monthly_income": 300,
        "assets": {"deposits": 0, "vehicles": 0, "houses": 1},
    }
    household.update(changes)
    return household


def test_defaults_of_the_contract() -> None:
    household = Household.model_validate(
        {"region": REGION, "members": [{"age": 5}], "monthly_income": 0}
    )
    assert household.residence == "urban"
    assert household.assets.deposits is None  # unknown, not 0
    assert household.members[0].relation == "self"
    assert household.hardship_event == "none"


def test_household_model_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Household.model_validate({**_household(), "extra": 1})


def test_today_is_used_when_the_household_has_no_date() -> None:
    assert screen(_household(), today=dt.date(2022, 5, 1)).facts["dibao_standard"] == 600
    assert screen(_household(), today=dt.date(2023, 5, 1)).facts["dibao_standard"] == 650
    # a date in the household wins over today
    on_date = screen(_household(date="2022-05-01"), today=dt.date(2023, 5, 1))
    assert on_date.date == dt.date(2022, 5, 1)
    assert on_date.facts["dibao_standard"] == 600


def test_a_household_model_is_accepted_as_is() -> None:
    household = Household.model_validate(_household(date="2023-03-01"))
    assert screen(household).program("dibao").monthly_amount == 350


def test_labour_capacity_is_shown_per_member() -> None:
    result = screen(
        _household(
            date="2023-06-01",
            members=[
                {"age": 62},
                {"age": 35, "relation": "spouse"},
                {
                    "age": 35,
                    "relation": "sibling",
                    "disability_grade": 3,
                    "disability_kind": "mental",
                },
                {"age": 12, "relation": "child"},
            ],
        )
    )
    assert result.facts["labour_capacity"] == [False, True, False, False]
    assert result.facts["members"] == 4


def test_applicant_is_the_first_member_when_nobody_is_marked_self() -> None:
    members = [{"age": 70, "relation": "parent"}, {"age": 10, "relation": "grandchild"}]
    result = screen(_household(date="2023-06-01", members=members, monthly_income=0))
    assert result.program("tekun").status == "likely"


def test_program_helper_and_json_shape() -> None:
    result = screen(_household(date="2023-06-01"))
    assert isinstance(result, ScreeningResult)
    assert result.program("child").status == "unlikely"
    with pytest.raises(KeyError):
        result.program("lottery")
    dumped = result.model_dump(mode="json")
    assert dumped["date"] == "2023-06-01"
    assert ScreeningResult.model_validate(dumped) == result


def test_invalid_household_carries_chinese_messages_per_field() -> None:
    with pytest.raises(InvalidHousehold) as refused:
        screen(
            {
                "region": REGION,
                "members": [{"age": 200}, {"age": 3, "relation": "kid"}],
                "monthly_income": -1,
            }
        )
    errors = {error.field: error.message for error in refused.value.errors}
    assert errors == {
        "members[0].age": "年龄应在0到120岁之间",
        "members[1].relation": "与申请人的关系应为 self、spouse、child、parent、grandchild、sibling、other 之一",
        "monthly_income": "家庭月收入应为不小于0的数字（元/月）",
    }
    assert refused.value.to_json()["detail"] == "家庭信息有误"


def test_unknown_program_filter_is_refused() -> None:
    with pytest.raises(InvalidHousehold) as refused:
        screen(_household(), programs=["dibao", "lottery"])
    assert refused.value.errors[0].field == "programs"


def test_region_parameter_values_and_sources() -> None:
    region = parse_region(REGIONS_DIR / REGION)
    assert region.parameter("dibao_standard", dt.date(2022, 12, 31), "urban") == 600
    assert region.parameter("dibao_standard", dt.date(2023, 1, 1), "urban") == 650
    assert region.parameter("tekun_standard", dt.date(2022, 1, 1), "rural") == 498.33
    assert region.parameter("deposit_months", dt.date(2030, 1, 1)) == 24
    assert region.parameter("child_allowance", dt.date(2023, 1, 1)) is None  # not shipped
    entry = region.parameter_entry("dibao_standard", dt.date(2023, 6, 1), "rural")
    assert entry is not None
    series, value = entry
    assert (series.unit, value.value, value.source.date) == (
        "yuan_per_person_year",
        5016,
        dt.date(2023, 11, 20),
    )
    example = region.parameter_entry("deposit_months", dt.date(2023, 6, 1))
    assert example is not None and example[1].example
    with pytest.raises(ParameterNotInForceError):
        region.parameter("dibao_standard", dt.date(2021, 12, 31), "urban")
    assert region.find_village("二港村")[0].name == "长春镇"  # type: ignore[index]
    assert "人民路社区" in region.place_names()


@pytest.fixture
def region_with_subsidies(tmp_path: Path) -> Any:
    """资阳区 plus figures for the optional subsidies (test values, not real ones)."""
    folder = tmp_path / REGION
    shutil.copytree(REGIONS_DIR / REGION, folder)
    path = folder / "parameters.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, value in [
        ("disability_living_subsidy", 80),
        ("disability_care_subsidy", 100),
        ("child_allowance", 1200),
    ]:
        data["parameters"][name] = {
            "label": name,
            "unit": "yuan_per_person_month",
            "values": [{"from": dt.date(2022, 1, 1), "value": value, "source": "example"}],
        }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return parse_region(folder)


def test_disability_amount_sums_the_subsidies_per_member(region_with_subsidies: Any) -> None:
    household = _household(
        date="2023-06-01",
        members=[
            {"age": 50, "disability_grade": 1, "disability_kind": "physical"},
            {"age": 48, "relation": "spouse", "disability_grade": 4, "disability_kind": "hearing"},
        ],
        monthly_income=200,
    )
    result = screen(household, region=region_with_subsidies)
    assert result.program("dibao").status == "likely"
    # grade 1: care 100 + living 80; grade 4: living 80
    assert result.program("disability").monthly_amount == 260
    # shipped 资阳区 has no figure: likely, but the amount stays unknown
    shipped = screen(household)
    assert shipped.program("disability").status == "likely"
    assert shipped.program("disability").monthly_amount is None


def test_child_allowance_per_child(region_with_subsidies: Any) -> None:
    household = _household(
        date="2023-06-01",
        members=[
            {"age": 70},
            {"age": 9, "relation": "grandchild", "parents_unable": True},
            {"age": 6, "relation": "grandchild", "parents_unable": True},
        ],
        monthly_income=0,
    )
    assert screen(household, region=region_with_subsidies).program("child").monthly_amount == 2400
