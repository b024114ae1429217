"""``screen(household)``: which programs a household may get, why, and how much.

The household and result shapes are the contracts of domain.md. The rules themselves
live in ``policies/rules/*.yml``; this module only assembles the facts they read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

from policies.engine import PARAMETER_NAMES, load_rules
from policies.household import FieldError, Household, InvalidHousehold, error_texts, parse_household
from policies.regions import (
    RESIDENCE_NAMES,
    ParameterNotInForceError,
    Region,
    UnknownRegionError,
    list_regions,
    load_region,
)

Status = Literal["likely", "possible", "unlikely"]


class ProgramResult(BaseModel):
    program: str = Field(description="项目编号，如 dibao")
    status: Status = Field(
        description="likely 很可能符合；possible 可能符合（还缺信息或需当地认定）；unlikely 不太符合"
    )
    monthly_amount: float | None = Field(
        description="估算每月金额（元），仅按月发放现金的项目且 likely 时有值"
    )
    reasons: list[str] = Field(description="判断理由，含所用数字")
    next_steps: list[str] = Field(description="下一步怎么办")


class ScreeningResult(BaseModel):
    region: str = Field(description="地区参数集")
    date: dt.date = Field(description="按哪一天有效的标准研判")
    facts: dict[str, Any] = Field(description="研判用到的参数和推导出的事实")
    programs: list[ProgramResult] = Field(description="每个项目一项")

    def program(self, program_id: str) -> ProgramResult:
        """The result for one program id; KeyError when it was not screened."""
        for result in self.programs:
            if result.program == program_id:
                return result
        raise KeyError(program_id)


def screen(
    household: Household | dict[str, Any],
    today: dt.date | None = None,
    programs: Iterable[str] | None = None,
    region: Region | None = None,
) -> ScreeningResult:
    """Screen one household; ``InvalidHousehold`` (Chinese, per field) if it is not valid.

    ``today`` is the default for a household without ``date``; ``programs`` limits
    the answer to those program ids (all ten by default); ``region`` screens against
    that region (e.g. a parameter file being prepared) instead of the shipped one
    named by the household.
    """
    checked = parse_household(household)
    rules = load_rules()
    only = _program_filter(programs, rules.program_ids)
    if region is None:
        region = _region(checked.region)
    on_date = checked.date or today or dt.date.today()
    env = _environment(checked, region, on_date)
    facts, outcomes = rules.evaluate(env, only)
    shown = {"members": env["members"]}
    shown.update({name: env[name] for name in PARAMETER_NAMES if env[name] is not None})
    shown.update(facts)
    # Validating the plain dict runs in pydantic's compiled core: faster than
    # model_construct on eleven models, and it checks our own output too.
    return ScreeningResult.model_validate(
        {
            "region": region.id,
            "date": on_date,
            "facts": shown,
            "programs": [outcome.__dict__ for outcome in outcomes],
        }
    )


def _region(region_id: str) -> Region:
    try:
        return load_region(region_id)
    except UnknownRegionError:
        message = error_texts()["checks"]["unknown_region"].format(
            value=region_id, available="、".join(list_regions())
        )
        raise InvalidHousehold([FieldError("region", message)]) from None


def _program_filter(programs: Iterable[str] | None, known: list[str]) -> frozenset[str] | None:
    if programs is None:
        return None
    wanted = frozenset(programs)
    for program in sorted(wanted - set(known)):
        message = error_texts()["checks"]["unknown_program"].format(
            value=program, available="、".join(known)
        )
        raise InvalidHousehold([FieldError("programs", message)])
    return wanted


def _parameters(region: Region, on_date: dt.date, residence: str) -> dict[str, Any]:
    try:
        return region.parameters_on(on_date, residence)
    except ParameterNotInForceError:
        message = error_texts()["checks"]["date_too_early"].format(
            date=on_date.isoformat(), earliest=region.earliest_date.isoformat()
        )
        raise InvalidHousehold([FieldError("date", message)]) from None


def _environment(household: Household, region: Region, on_date: dt.date) -> dict[str, Any]:
    """The flat name → value dict the compiled rules read."""
    expenses = household.monthly_rigid_expenses
    assets = household.assets
    members = []
    applicant_index = None
    for index, member in enumerate(household.members):
        values = member.__dict__.copy()
        values["index"] = index
        members.append(values)
        if applicant_index is None and member.relation == "self":
            applicant_index = index
    env: dict[str, Any] = {
        "region": household.region,
        "residence": household.residence,
        "monthly_income": float(household.monthly_income),
        "monthly_rigid_expenses.medical": float(expenses.medical),
        "monthly_rigid_expenses.education": float(expenses.education),
        "assets.deposits": None if assets.deposits is None else float(assets.deposits),
        "assets.vehicles": assets.vehicles,
        "assets.houses": assets.houses,
        "supporters_able": household.supporters_able,
        "hardship_event": household.hardship_event,
        "region_name": region.name,
        "region_short": region.short_name,
        "residence_name": RESIDENCE_NAMES[household.residence],
        "applicant_index": applicant_index or 0,
        "members_list": members,
    }
    env.update(_parameters(region, on_date, household.residence))
    return env
