"""The household screened (domain.md, "The household — contract") and its validation.

Pydantic does the field checks; ``parse_household`` turns any failure into Chinese
messages per field (texts in ``policies/texts/errors.yml``) and adds the checks that
need the shipped data (known region, a date with parameters in force).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from base.datafiles import load_yaml

ERRORS_FILE = Path(__file__).parent / "texts" / "errors.yml"

Relation = Literal["self", "spouse", "child", "parent", "grandchild", "sibling", "other"]
DisabilityKind = Literal[
    "physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple"
]
Student = Literal["none", "preschool", "compulsory", "senior_high", "vocational", "college"]
Employment = Literal["employed", "unemployed", "farming", "retired", "none"]
HardshipEvent = Literal["none", "accident", "disaster", "sudden_illness", "fire", "other"]
# The cap (100亿元) only keeps sums finite, so a result always serialises to JSON.
Money = Annotated[float, Field(ge=0, le=1e10, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=1000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Member(_Strict):
    age: int = Field(ge=0, le=120, description="年龄（周岁）")
    relation: Relation = Field(default="self", description="与申请人的关系")
    disability_grade: int | None = Field(default=None, ge=1, le=4, description="残疾等级，1级最重")
    disability_kind: DisabilityKind | None = Field(default=None, description="残疾类别")
    serious_illness: bool = Field(default=False, description="是否患重病（如癌症、尿毒症、白血病）")
    student: Student = Field(default="none", description="就学阶段")
    employment: Employment = Field(default="none", description="就业情况")
    parents_unable: bool = Field(
        default=False, description="儿童的父母双亡、失踪或无力抚养（事实无人抚养）"
    )


class RigidExpenses(_Strict):
    medical: Money = Field(default=0, description="自付医疗费用（元/月）")
    education: Money = Field(default=0, description="必要的就学费用（元/月）")


class Assets(_Strict):
    # None means "not told": rules needing it then answer `possible`, never assume 0.
    deposits: Money | None = Field(
        default=None, description="现金、存款、有价证券合计（元），不清楚留空"
    )
    vehicles: Count | None = Field(
        default=None, description="机动车辆数（不含残疾人功能性补偿代步车）"
    )
    houses: Count | None = Field(default=None, description="拥有的住房套数")


class Household(_Strict):
    region: str = Field(description="地区参数集，如 hunan-yiyang-ziyang")
    date: dt.date | None = Field(default=None, description="按哪一天有效的标准研判，默认今天")
    residence: Literal["urban", "rural"] = Field(default="urban", description="城市或农村")
    members: list[Member] = Field(
        min_length=1, max_length=20, description="共同生活、共同开支的家庭成员，申请人排第一"
    )
    monthly_income: Money = Field(description="家庭月总收入（元/月）")
    monthly_rigid_expenses: RigidExpenses = Field(default_factory=RigidExpenses)
    assets: Assets = Field(default_factory=Assets)
    supporters_able: bool = Field(
        default=False, description="家庭以外是否有有赡养（抚养、扶养）能力的法定义务人"
    )
    hardship_event: HardshipEvent = Field(default="none", description="近3个月的突发困难")


@dataclass(frozen=True)
class FieldError:
    field: str  # e.g. "members[0].age"
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class InvalidHousehold(ValueError):
    """The household cannot be screened; ``errors`` says why, in Chinese, per field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.detail: str = error_texts()["detail"]
        self.errors = errors
        super().__init__(self.detail + "：" + "；".join(f"{e.field} {e.message}" for e in errors))

    def to_json(self) -> dict[str, Any]:
        return {"detail": self.detail, "errors": [error.to_json() for error in self.errors]}


@lru_cache(maxsize=1)
def error_texts() -> dict[str, Any]:
    return load_yaml(ERRORS_FILE)


def parse_household(data: Household | dict[str, Any]) -> Household:
    """A validated household; ``InvalidHousehold`` with Chinese messages otherwise."""
    if isinstance(data, Household):
        household = data
    else:
        try:
            household = Household.model_validate(data)
        except ValidationError as exc:
            raise InvalidHousehold(translate(exc)) from exc
    return household


def translate(exc: ValidationError) -> list[FieldError]:
    """Pydantic's errors as Chinese messages, one per field."""
    texts = error_texts()
    errors: list[FieldError] = []
    seen: set[str] = set()
    for error in exc.errors(include_url=False):
        field = field_path(error.get("loc", ()))
        kind = error.get("type", "")
        if kind in ("missing", "extra_forbidden") or field == "":
            message = texts["types"].get(kind, texts["types"]["default"])
        else:
            pattern = re.sub(r"\[\d+\]", "[]", field)
            message = texts["fields"].get(pattern) or texts["types"].get(
                kind, texts["types"]["default"]
            )
        if field not in seen:  # a union type reports one field several times
            seen.add(field)
            errors.append(FieldError(field or "body", message))
    return errors


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """("members", 0, "age") → "members[0].age"."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("body",) and not path:
            continue
        else:
            path += f".{part}" if path else str(part)
    return path
