"""The program catalog: one YAML file per program in ``policies/catalog/``.

Every fact (department, eligibility line, material, step, …) carries the id of the
document it comes from; ids are defined once in ``policies/sources.yml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from base.datafiles import load_yaml
from policies import datacheck as check
from policies.household import field_path

CATALOG_DIR = Path(__file__).parent / "catalog"
SOURCES_FILE = Path(__file__).parent / "sources.yml"
# The `program` entity of design.md, in its order.
PROGRAM_IDS = (
    "dibao",
    "tekun",
    "dibao_edge",
    "temporary",
    "medical",
    "education",
    "housing",
    "employment",
    "disability",
    "child",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    id: str
    title: str
    issuer: str
    date: dt.date
    url: str | None = None


class Fact(_Strict):
    """One statement of the catalog and the document it comes from."""

    text: str = Field(min_length=1)
    source: str = Field(description="sources.yml 中的文件编号")

    def __str__(self) -> str:
        return self.text


class LegalBasis(_Strict):
    document: str = Field(min_length=1)
    articles: str = Field(min_length=1)
    source: str


class Step(_Strict):
    name: str = Field(min_length=1)
    text: str = Field(min_length=1)
    time_limit: str = Field(min_length=1, description="时限")
    source: str

    def __str__(self) -> str:
        return f"{self.name}：{self.text}（时限：{self.time_limit}）"


class Program(_Strict):
    id: str
    name: str = Field(min_length=1, description="全称")
    short_name: str = Field(min_length=1, description="简称，如 低保")
    synonyms: list[str] = Field(description="别名和口语说法，如 五保户")
    department: Fact
    legal_basis: list[LegalBasis] = Field(min_length=1)
    summary: Fact
    eligibility: list[Fact] = Field(min_length=1)
    materials: list[Fact] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    where_to_apply: Fact
    payment: Fact
    # 低保's 单人保: who in a household above the standard may be covered alone
    single_member: Fact | None = None

    def facts(self) -> list[Fact | LegalBasis | Step]:
        """Every sourced statement, for checking and citing."""
        return [
            self.department,
            *self.legal_basis,
            self.summary,
            *self.eligibility,
            *self.materials,
            *self.steps,
            self.where_to_apply,
            self.payment,
            *([self.single_member] if self.single_member else []),
        ]


class Catalog:
    def __init__(self, programs: dict[str, Program], sources: dict[str, Source]) -> None:
        self.programs = programs
        self.sources = sources
        self._names: dict[str, str] = {}
        for program in programs.values():
            for name in (program.id, program.name, program.short_name, *program.synonyms):
                self._names[_key(name)] = program.id

    def resolve(self, text: str) -> str | None:
        """The program id for an exact id, name or synonym (五保户 → tekun), else None."""
        return self._names.get(_key(text))

    def names(self) -> dict[str, str]:
        """Every known name → program id, for the NLU's lookup table."""
        return dict(self._names)

    def source(self, source_id: str) -> Source:
        return self.sources[source_id]

    def __getitem__(self, program_id: str) -> Program:
        return self.programs[program_id]

    def __iter__(self) -> Iterator[Program]:
        return iter(self.programs.values())


def _key(name: str) -> str:
    return name.strip().lower()


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The shipped catalog, validated once per process."""
    return parse_catalog(CATALOG_DIR, SOURCES_FILE)


def parse_catalog(directory: Path, sources_file: Path) -> Catalog:
    """Read and validate a catalog folder (used directly by the lint tests)."""
    sources = _sources(sources_file)
    programs: dict[str, Program] = {}
    seen_names: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        program = _program(path, sources)
        for name in (program.id, program.name, program.short_name, *program.synonyms):
            owner = seen_names.setdefault(_key(name), program.id)
            if owner != program.id:
                raise check.fail(path, "synonyms", f"“{name}”已用于 {owner}")
        programs[program.id] = program
    missing = [program_id for program_id in PROGRAM_IDS if program_id not in programs]
    if missing:
        raise check.fail(directory, "programs", f"缺少项目文件：{', '.join(missing)}")
    return Catalog({program_id: programs[program_id] for program_id in PROGRAM_IDS}, sources)


def _program(path: Path, sources: dict[str, Source]) -> Program:
    raw = check.mapping(path, "", load_yaml(path))
    try:
        program = Program.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise check.fail(path, field_path(error["loc"]) or "", error["msg"]) from exc
    if program.id != path.stem:
        raise check.fail(path, "id", f"应与文件名 {path.stem} 相同")
    if program.id not in PROGRAM_IDS:
        raise check.fail(path, "id", f"未知项目；可用：{', '.join(PROGRAM_IDS)}")
    for field, value in _sourced_fields(raw):
        if value not in sources:
            raise check.fail(path, field, f"未在 {SOURCES_FILE.name} 中定义的来源 {value!r}")
    return program


def _sourced_fields(raw: dict[str, Any]) -> list[tuple[str, Any]]:
    """(field path, source id) of every fact, so an error names the exact field."""
    found: list[tuple[str, Any]] = []
    for key, value in raw.items():
        if isinstance(value, dict) and "source" in value:
            found.append((f"{key}.source", value["source"]))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict) and "source" in item:
                    found.append((f"{key}[{i}].source", item["source"]))
    return found


def _sources(path: Path) -> dict[str, Source]:
    raw = check.mapping(path, "", load_yaml(path))
    sources: dict[str, Source] = {}
    for source_id, body in check.mapping(path, "sources", raw.get("sources")).items():
        try:
            sources[source_id] = Source.model_validate(
                {"id": source_id, **check.mapping(path, f"sources.{source_id}", body)}
            )
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            raise check.fail(
                path, f"sources.{source_id}.{field_path(error['loc'])}", error["msg"]
            ) from exc
    return sources
