"""The interfaces other packages build on: catalog, region, screening."""

from __future__ import annotations

import datetime as dt

from policies.catalog import PROGRAM_IDS, load_catalog
from policies.regions import list_regions, load_region
from policies.screening import screen


def test_catalog_has_the_ten_programs_and_colloquial_names() -> None:
    catalog = load_catalog()
    assert tuple(catalog.programs) == PROGRAM_IDS
    assert catalog.resolve("五保户") == "tekun"
    assert catalog.resolve("残补") == "disability"
    assert catalog.resolve("不存在的项目") is None


def test_region_places_and_dated_standard() -> None:
    assert "hunan-yiyang-ziyang" in list_regions()
    region = load_region("hunan-yiyang-ziyang")
    assert region.name == "湖南省益阳市资阳区"
    assert region.find_village("金花坪社区")[0].name == "大码头街道"  # type: ignore[index]
    assert region.parameter("dibao_standard", dt.date(2023, 1, 1), "rural") == 418.0


def test_screen_domain_example() -> None:
    result = screen(
        {
            "region": "hunan-yiyang-ziyang",
            "date": "2023-06-01",
            "residence": "urban",
            "members": [
                {"age": 68},
                {"age": 40, "relation": "child"},
                {"age": 10, "relation": "grandchild"},
            ],
            "monthly_income": 1200,
            "assets": {"deposits": 5000, "vehicles": 0, "houses": 1},
        }
    )
    dibao = result.program("dibao")
    assert dibao.status == "likely"
    assert dibao.monthly_amount == 750.0
    assert dibao.reasons[0] == "家庭月人均收入400元，低于资阳区城市低保标准650元"
