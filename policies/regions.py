"""Regions: their places (乡镇/街道 and 村/社区) and dated parameters with sources.

Data lives in ``policies/regions/<region_id>/region.yml`` and ``parameters.yml``.
A parameter's value on a date is the last value whose ``from`` is on or before it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from base.datafiles import load_yaml
from policies import datacheck as check

REGIONS_DIR = Path(__file__).parent / "regions"

# Units a parameter may have, and how a value in that unit becomes the monthly figure
# the rules use. Yearly rural standards are divided by 12 and rounded to 2 decimals.
MONEY_UNITS = {"yuan_per_person_month", "yuan_per_person_year"}
UNITS = MONEY_UNITS | {"months", "bool"}
RESIDENCES = ("urban", "rural")
RESIDENCE_NAMES = {"urban": "城市", "rural": "农村"}
# Parameters the screening rules read; every region must ship them.
REQUIRED_PARAMETERS = (
    "dibao_standard",
    "tekun_standard",
    "deduct_rigid_expenses",
    "deposit_months",
)
# Parameters a region may leave out; the amounts that need them are then null.
OPTIONAL_PARAMETERS = ("disability_living_subsidy", "disability_care_subsidy", "child_allowance")


class UnknownRegionError(KeyError):
    """No region with that id is shipped."""


class ParameterNotInForceError(LookupError):
    """A parameter has no value in force on the asked date."""

    def __init__(self, name: str, on_date: dt.date) -> None:
        super().__init__(f"{name} has no value in force on {on_date.isoformat()}")
        self.name = name
        self.on_date = on_date


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: dt.date
    url: str | None = None


@dataclass(frozen=True)
class Township:
    name: str
    villages: list[str]
    example: bool


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: float | bool
    source: Source
    example: bool = False


@dataclass(frozen=True)
class Series:
    """The history of one parameter (for one residence type)."""

    unit: str
    values: tuple[DatedValue, ...]

    def at(self, on_date: dt.date) -> DatedValue | None:
        index = bisect.bisect_right([value.start for value in self.values], on_date) - 1
        return self.values[index] if index >= 0 else None


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    # Keyed by residence ("urban"/"rural"), or by "" when the value is the same for both.
    series: dict[str, Series]

    @property
    def by_residence(self) -> bool:
        return "" not in self.series


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    short_name: str
    places: list[Township]
    parameters: dict[str, Parameter]
    # (date, residence) → every parameter's value; few distinct keys occur in practice.
    _in_force: dict[tuple[dt.date, str], dict[str, float | bool | None]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def parameters_on(self, on_date: dt.date, residence: str) -> dict[str, float | bool | None]:
        """Every known parameter's monthly value in force on that date (None: not shipped)."""
        key = (on_date, residence)
        values = self._in_force.get(key)
        if values is None:
            names = REQUIRED_PARAMETERS + OPTIONAL_PARAMETERS
            values = {name: self.parameter(name, on_date, residence) for name in names}
            if len(self._in_force) < 4096:  # bounded: dates come from requests
                self._in_force[key] = values
        return values

    def parameter(
        self, name: str, on_date: dt.date, residence: str | None = None
    ) -> float | bool | None:
        """The value in force on ``on_date``, money as yuan per person per month.

        Optional parameters the region does not ship give None; a shipped parameter
        without a value on that date raises ``ParameterNotInForceError``.
        """
        entry = self.parameter_entry(name, on_date, residence)
        if entry is None:
            return None
        series, dated = entry
        return monthly(series.unit, dated.value)

    def parameter_entry(
        self, name: str, on_date: dt.date, residence: str | None = None
    ) -> tuple[Series, DatedValue] | None:
        """The unit and dated value (with its source) in force, for citing it."""
        parameter = self.parameters.get(name)
        if parameter is None:
            if name in OPTIONAL_PARAMETERS:
                return None
            raise KeyError(name)
        if parameter.by_residence:
            if residence not in parameter.series:
                raise ValueError(f"{name} needs residence urban or rural, got {residence!r}")
            series = parameter.series[residence]
        else:
            series = parameter.series[""]
        dated = series.at(on_date)
        if dated is None:
            raise ParameterNotInForceError(name, on_date)
        return series, dated

    def township(self, name: str) -> Township | None:
        return next((place for place in self.places if place.name == name), None)

    def find_village(self, name: str) -> tuple[Township, str] | None:
        """The township a 村/社区 belongs to, for answering "where do I apply"."""
        for place in self.places:
            if name in place.villages:
                return place, name
        return None

    def place_names(self) -> list[str]:
        """Every township and village name, for the NLU's lookup table."""
        names: list[str] = []
        for place in self.places:
            names.append(place.name)
            names.extend(place.villages)
        return names

    @property
    def earliest_date(self) -> dt.date:
        """First day on which every required parameter has a value."""
        return max(
            series.values[0].start
            for name in REQUIRED_PARAMETERS
            for series in self.parameters[name].series.values()
        )


def monthly(unit: str, value: float | bool) -> float | bool:
    if unit == "yuan_per_person_year":
        return round(float(value) / 12, 2)
    if unit == "yuan_per_person_month":
        return float(value)
    return value


def list_regions(directory: Path = REGIONS_DIR) -> list[str]:
    return sorted(path.name for path in directory.iterdir() if (path / "region.yml").is_file())


def load_region(region_id: str, directory: Path = REGIONS_DIR) -> Region:
    """The region with that id, validated; ``UnknownRegionError`` when none is shipped."""
    return _load_region(region_id, directory)


@lru_cache(maxsize=32)
def _load_region(region_id: str, directory: Path) -> Region:
    if region_id not in list_regions(directory):
        raise UnknownRegionError(region_id)
    return parse_region(directory / region_id)


def parse_region(folder: Path) -> Region:
    """Read and validate one region folder (used directly by the lint tests)."""
    region_path = folder / "region.yml"
    raw = check.mapping(region_path, "", load_yaml(region_path))
    check.only_keys(region_path, "", raw, {"id", "name", "short_name", "places"})
    region_id = check.text(region_path, "id", raw.get("id"))
    if region_id != folder.name:
        raise check.fail(region_path, "id", f"应与目录名 {folder.name} 相同")
    places = [
        _township(region_path, f"places[{i}]", item)
        for i, item in enumerate(check.sequence(region_path, "places", raw.get("places")))
    ]
    _no_duplicate_places(region_path, places)
    parameters_path = folder / "parameters.yml"
    return Region(
        id=region_id,
        name=check.text(region_path, "name", raw.get("name")),
        short_name=check.text(region_path, "short_name", raw.get("short_name")),
        places=places,
        parameters=_parameters(parameters_path, load_yaml(parameters_path)),
    )


def _no_duplicate_places(path: Path, places: list[Township]) -> None:
    # A name must lead to one place, or "where do I apply" would have two answers.
    seen: set[str] = set()
    for i, place in enumerate(places):
        for j, name in enumerate([place.name, *place.villages]):
            if name in seen:
                field = f"places[{i}].name" if j == 0 else f"places[{i}].villages[{j - 1}]"
                raise check.fail(path, field, f"地名“{name}”重复")
            seen.add(name)


def _township(path: Path, field: str, raw: Any) -> Township:
    raw = check.mapping(path, field, raw)
    check.only_keys(path, field, raw, {"name", "villages", "example"})
    villages = check.sequence(path, f"{field}.villages", raw.get("villages", []))
    example = raw.get("example", False)
    if not isinstance(example, bool):
        raise check.fail(path, f"{field}.example", "应为 true 或 false")
    return Township(
        name=check.text(path, f"{field}.name", raw.get("name")),
        villages=[check.text(path, f"{field}.villages[{i}]", v) for i, v in enumerate(villages)],
        example=example,
    )


def _parameters(path: Path, raw: Any) -> dict[str, Parameter]:
    raw = check.mapping(path, "", raw)
    check.only_keys(path, "", raw, {"sources", "parameters"})
    sources = _sources(path, raw.get("sources"))
    parameters: dict[str, Parameter] = {}
    known = set(REQUIRED_PARAMETERS) | set(OPTIONAL_PARAMETERS)
    for name, body in check.mapping(path, "parameters", raw.get("parameters")).items():
        field = f"parameters.{name}"
        if name not in known:
            raise check.fail(path, field, f"未知参数；可用：{', '.join(sorted(known))}")
        body = check.mapping(path, field, body)
        label = check.text(path, f"{field}.label", body.get("label"))
        if "by_residence" in body:
            check.only_keys(path, field, body, {"label", "by_residence"})
            per = check.mapping(path, f"{field}.by_residence", body["by_residence"])
            if sorted(per) != sorted(RESIDENCES):
                raise check.fail(path, f"{field}.by_residence", "应同时给出 urban 和 rural")
            series = {
                residence: _series(
                    path, f"{field}.by_residence.{residence}", per[residence], sources
                )
                for residence in RESIDENCES
            }
        else:
            check.only_keys(path, field, body, {"label", "unit", "values"})
            plain = {key: value for key, value in body.items() if key != "label"}
            series = {"": _series(path, field, plain, sources)}
        parameters[name] = Parameter(name=name, label=label, series=series)
    for name in REQUIRED_PARAMETERS:
        if name not in parameters:
            raise check.fail(path, f"parameters.{name}", "缺少必需的参数")
    return parameters


def _sources(path: Path, raw: Any) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for source_id, body in check.mapping(path, "sources", raw).items():
        field = f"sources.{source_id}"
        body = check.mapping(path, field, body)
        check.only_keys(path, field, body, {"title", "publisher", "date", "url"})
        sources[source_id] = Source(
            id=source_id,
            title=check.text(path, f"{field}.title", body.get("title")),
            publisher=check.text(path, f"{field}.publisher", body.get("publisher")),
            date=check.date(path, f"{field}.date", body.get("date")),
            url=body.get("url"),
        )
    return sources


def _series(path: Path, field: str, raw: Any, sources: dict[str, Source]) -> Series:
    raw = check.mapping(path, field, raw)
    check.only_keys(path, field, raw, {"unit", "values"})
    unit = raw.get("unit")
    if unit not in UNITS:
        raise check.fail(
            path, f"{field}.unit", f"未知单位 {unit!r}；可用：{', '.join(sorted(UNITS))}"
        )
    values: list[DatedValue] = []
    items = check.sequence(path, f"{field}.values", raw.get("values"))
    if not items:
        raise check.fail(path, f"{field}.values", "至少需要一个取值")
    for i, item in enumerate(items):
        item_field = f"{field}.values[{i}]"
        item = check.mapping(path, item_field, item)
        check.only_keys(path, item_field, item, {"from", "value", "source", "example", "note"})
        start = check.date(path, f"{item_field}.from", item.get("from"))
        if values and start <= values[-1].start:
            raise check.fail(path, f"{item_field}.from", "日期应按先后顺序排列且不重复")
        source_id = item.get("source")
        if source_id not in sources:
            raise check.fail(path, f"{item_field}.source", f"未在 sources 中定义：{source_id!r}")
        example = item.get("example", False)
        if not isinstance(example, bool):
            raise check.fail(path, f"{item_field}.example", "应为 true 或 false")
        values.append(
            DatedValue(
                start=start,
                value=_value(path, f"{item_field}.value", unit, item.get("value")),
                source=sources[source_id],
                example=example,
            )
        )
    return Series(unit=unit, values=tuple(values))


def _value(path: Path, field: str, unit: str, value: Any) -> float | bool:
    if unit == "bool":
        if not isinstance(value, bool):
            raise check.fail(path, field, "单位为 bool，应为 true 或 false")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise check.fail(path, field, f"单位为 {unit}，应为数字")
    if value < 0:
        raise check.fail(path, field, "不能为负数")
    if unit == "months" and not isinstance(value, int):
        raise check.fail(path, field, "单位为 months，应为整数")
    return value
