"""Lint of the catalog, parameter and rule files, and proof the loaders refuse bad ones.

Each broken file is a copy of a shipped one with one field spoiled; the error must
name the file and the field.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from base.datafiles import DataFileError
from policies.catalog import CATALOG_DIR, PROGRAM_IDS, SOURCES_FILE, load_catalog, parse_catalog
from policies.engine import RULES_DIR, load_rules, parse_rules
from policies.regions import REGIONS_DIR, list_regions, parse_region

REGION = "hunan-yiyang-ziyang"


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- the shipped files ----------------------------------------------------------------


def test_every_shipped_region_loads_with_its_sources() -> None:
    for region_id in list_regions():
        region = parse_region(REGIONS_DIR / region_id)
        assert region.places, region_id
        for parameter in region.parameters.values():
            for series in parameter.series.values():
                for value in series.values:
                    assert value.source.title and value.source.date, parameter.name


def test_ziyang_places_required_by_the_issue() -> None:
    region = parse_region(REGIONS_DIR / REGION)
    towns = {place.name: place for place in region.places}
    assert towns["大码头街道"].villages[:2] == ["金花坪社区", "鹅羊池社区"]
    assert towns["汽车路街道"].villages[:2] == ["文昌阁社区", "人民路社区"]
    assert not towns["大码头街道"].example and not towns["汽车路街道"].example
    others = [place for name, place in towns.items() if name not in ("大码头街道", "汽车路街道")]
    assert others and all(place.example for place in others)


def test_catalog_every_fact_is_sourced_and_every_step_has_a_time_limit() -> None:
    catalog = load_catalog()
    assert tuple(catalog.programs) == PROGRAM_IDS
    for program in catalog:
        for fact in program.facts():
            assert fact.source in catalog.sources, (program.id, fact)
        assert all(step.time_limit.strip() for step in program.steps), program.id
        assert program.synonyms, program.id


def test_rules_cover_exactly_the_catalog_programs() -> None:
    assert load_rules().program_ids == list(PROGRAM_IDS)


# --- the loaders refuse malformed files -----------------------------------------------


@pytest.fixture
def region_copy(tmp_path: Path) -> Path:
    folder = tmp_path / REGION
    shutil.copytree(REGIONS_DIR / REGION, folder)
    return folder


PARAMETER_BREAKS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "bad unit",
        lambda d: d["parameters"]["dibao_standard"]["by_residence"]["urban"].update(unit="yuan"),
        "parameters.dibao_standard.by_residence.urban.unit",
    ),
    (
        "dates out of order",
        lambda d: d["parameters"]["tekun_standard"]["by_residence"]["rural"]["values"][1].update(
            {"from": "2021-01-01"}
        ),
        "parameters.tekun_standard.by_residence.rural.values[1].from",
    ),
    (
        "not a date",
        lambda d: d["parameters"]["dibao_standard"]["by_residence"]["urban"]["values"][0].update(
            {"from": "2023-13-01"}
        ),
        "parameters.dibao_standard.by_residence.urban.values[0].from",
    ),
    (
        "unknown source",
        lambda d: d["parameters"]["deposit_months"]["values"][0].update(source="nowhere"),
        "parameters.deposit_months.values[0].source",
    ),
    (
        "negative money",
        lambda d: d["parameters"]["dibao_standard"]["by_residence"]["urban"]["values"][1].update(
            value=-650
        ),
        "parameters.dibao_standard.by_residence.urban.values[1].value",
    ),
    (
        "text where a bool belongs",
        lambda d: d["parameters"]["deduct_rigid_expenses"]["values"][0].update(value="yes"),
        "parameters.deduct_rigid_expenses.values[0].value",
    ),
    (
        "fractional months",
        lambda d: d["parameters"]["deposit_months"]["values"][0].update(value=24.5),
        "parameters.deposit_months.values[0].value",
    ),
    (
        "missing required parameter",
        lambda d: d["parameters"].pop("tekun_standard"),
        "parameters.tekun_standard",
    ),
    (
        "only one residence",
        lambda d: d["parameters"]["dibao_standard"]["by_residence"].pop("rural"),
        "parameters.dibao_standard.by_residence",
    ),
    (
        "unknown parameter",
        lambda d: d["parameters"].update(dibao_bonus={"label": "x", "unit": "bool", "values": []}),
        "parameters.dibao_bonus",
    ),
]


@pytest.mark.parametrize(
    ("spoil", "field"),
    [pytest.param(spoil, field, id=name) for name, spoil, field in PARAMETER_BREAKS],
)
def test_parameter_file_errors_name_file_and_field(
    region_copy: Path, spoil: Callable[[dict[str, Any]], None], field: str
) -> None:
    path = region_copy / "parameters.yml"
    data = _read(path)
    spoil(data)
    _write(path, data)
    with pytest.raises(DataFileError) as refused:
        parse_region(region_copy)
    assert refused.value.path.endswith("parameters.yml")
    assert refused.value.message.startswith(field + ":"), refused.value.message


def test_region_file_id_must_match_folder(region_copy: Path) -> None:
    path = region_copy / "region.yml"
    data = _read(path)
    data["id"] = "somewhere-else"
    _write(path, data)
    with pytest.raises(DataFileError) as refused:
        parse_region(region_copy)
    assert refused.value.path.endswith("region.yml")
    assert refused.value.message.startswith("id:")


def test_region_village_must_be_text(region_copy: Path) -> None:
    path = region_copy / "region.yml"
    data = _read(path)
    data["places"][0]["villages"].append(7)
    _write(path, data)
    with pytest.raises(DataFileError, match=r"places\[0\]\.villages\[2\]"):
        parse_region(region_copy)


def test_region_place_names_must_be_unique(region_copy: Path) -> None:
    path = region_copy / "region.yml"
    data = _read(path)
    data["places"][1]["villages"].append(data["places"][0]["villages"][0])
    _write(path, data)
    with pytest.raises(DataFileError, match=r"places\[1\]\.villages\[2\]"):
        parse_region(region_copy)


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    return folder


CATALOG_BREAKS: list[tuple[str, str, Callable[[dict[str, Any]], None], str]] = [
    (
        "unknown source",
        "dibao",
        lambda d: d["eligibility"][0].update(source="hearsay"),
        "eligibility[0].source",
    ),
    (
        "step without time limit",
        "tekun",
        lambda d: d["steps"][1].pop("time_limit"),
        "steps[1].time_limit",
    ),
    ("no materials", "medical", lambda d: d.update(materials=[]), "materials"),
    ("unknown field", "child", lambda d: d.update(amount=100), "amount"),
    ("id differs from file", "housing", lambda d: d.update(id="home"), "id"),
    # files load in name order, so the later file (tekun) is the one named
    ("synonym of another program", "tekun", lambda d: d["synonyms"].append("低保户"), "synonyms"),
]


@pytest.mark.parametrize(
    ("program", "spoil", "field"),
    [
        pytest.param(program, spoil, field, id=name)
        for name, program, spoil, field in CATALOG_BREAKS
    ],
)
def test_catalog_file_errors_name_file_and_field(
    catalog_copy: Path, program: str, spoil: Callable[[dict[str, Any]], None], field: str
) -> None:
    path = catalog_copy / f"{program}.yml"
    data = _read(path)
    spoil(data)
    _write(path, data)
    with pytest.raises(DataFileError) as refused:
        parse_catalog(catalog_copy, SOURCES_FILE)
    assert refused.value.path.endswith(f"{program}.yml")
    assert refused.value.message.startswith(field + ":"), refused.value.message


def test_catalog_missing_a_program_is_refused(catalog_copy: Path) -> None:
    (catalog_copy / "employment.yml").unlink()
    with pytest.raises(DataFileError, match="employment"):
        parse_catalog(catalog_copy, SOURCES_FILE)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    return folder


RULE_BREAKS: list[tuple[str, str, Callable[[dict[str, Any]], None], str]] = [
    (
        "unknown reference",
        "programs.yml",
        lambda d: d["rules"][0].update(likely={"lt": ["per_capita_incom", "dibao_standard"]}),
        "rules[0].likely.lt[0]",
    ),
    (
        "unknown operator",
        "programs.yml",
        lambda d: d["rules"][0].update(likely={"nearly": [1, 2]}),
        "rules[0].likely",
    ),
    (
        "status of a later program",
        "programs.yml",
        lambda d: d["rules"][0].update(possible={"eq": [{"status": "child"}, {"lit": "likely"}]}),
        "rules[0].possible.eq[0].status",
    ),
    (
        "unknown placeholder",
        "programs.yml",
        lambda d: d["rules"][0]["reasons"][0].update(text="人均{{ per_head }}元"),
        "rules[0].reasons[0].text",
    ),
    (
        "a fact in the old one-brace syntax (it would be shown as typed)",
        "programs.yml",
        lambda d: d["rules"][0]["reasons"][0].update(text="人均{per_capita_income}元"),
        "rules[0].reasons[0].text",
    ),
    (
        "a text that is not a template",
        "programs.yml",
        lambda d: d["rules"][0]["next_steps"]["likely"].append("人均{{ per_capita_income 元"),
        "rules[0].next_steps.likely[",
    ),
    (
        "an unknown nested fact",
        "programs.yml",
        lambda d: d["rules"][0]["reasons"][0].update(text="存款{{ assets.deposit }}元"),
        "rules[0].reasons[0].text",
    ),
    (
        "member field outside a member expression",
        "facts.yml",
        lambda d: d["facts"].append({"fact": "oops", "expr": {"gt": ["member.age", 1]}}),
        "facts[",
    ),
    (
        "show that is not a bool",
        "facts.yml",
        lambda d: d["facts"][0].update(show="no"),
        "facts[0].show",
    ),
    (
        "comparison with three operands",
        "facts.yml",
        lambda d: d["facts"].append({"fact": "oops", "expr": {"lt": [1, 2, 3]}}),
        "facts[",
    ),
]


@pytest.mark.parametrize(
    ("file", "spoil", "field"),
    [pytest.param(file, spoil, field, id=name) for name, file, spoil, field in RULE_BREAKS],
)
def test_rule_file_errors_name_file_and_field(
    rules_copy: Path, file: str, spoil: Callable[[dict[str, Any]], None], field: str
) -> None:
    path = rules_copy / file
    data = _read(path)
    spoil(data)
    _write(path, data)
    with pytest.raises(DataFileError) as refused:
        parse_rules(rules_copy / "facts.yml", rules_copy / "programs.yml")
    assert refused.value.path.endswith(file)
    assert refused.value.message.startswith(field), refused.value.message
