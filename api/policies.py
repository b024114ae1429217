"""HTTP routes of the policies package: screening and the program catalog."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from policies.catalog import Program, load_catalog
from policies.household import FieldError, Household, InvalidHousehold, error_texts
from policies.screening import ScreeningResult, screen
from services.container import Services

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "example": "家庭信息有误"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "example": "members[0].age"},
                    "message": {"type": "string", "example": "年龄应在0到120岁之间"},
                },
            },
        },
    },
}


def build_router(services: Services) -> APIRouter:
    # The routes read only shipped data; the services are taken for the common signature.
    del services
    router = APIRouter(tags=["政策与研判"])

    @router.post(
        "/api/screening",
        summary="智能研判：这个家庭可能享受哪些救助",
        description=(
            "提交家庭情况（domain.md 中的家庭信息），按当天（或 `date` 当天）有效的地方标准，"
            "逐项给出十个救助项目的研判结果：likely 很可能符合、possible 可能符合（缺信息或需当地认定）、"
            "unlikely 不太符合，附理由、估算月金额和下一步。可用 `programs` 只看部分项目。"
            "信息有误时返回 422，并逐个字段给出中文说明。"
        ),
        response_model=ScreeningResult,
        responses={
            422: {
                "description": "家庭信息有误",
                "content": {"application/json": {"schema": _ERROR_SCHEMA}},
            }
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "家庭信息",
                "content": {"application/json": {"schema": _inline_schema(Household)}},
            }
        },
    )
    async def screening(
        request: Request,
        programs: Annotated[list[str] | None, Query(description="只研判这些项目，如 dibao")] = None,
    ) -> Any:
        # The body is parsed here, not by FastAPI, so every error comes back in Chinese.
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return _invalid([FieldError("body", error_texts()["types"]["json_invalid"])])
        if not isinstance(body, dict):
            return _invalid([FieldError("body", error_texts()["types"]["model_type"])])
        try:
            result = screen(body, programs=programs)
        except InvalidHousehold as exc:
            return JSONResponse(status_code=422, content=exc.to_json())
        return JSONResponse(content=result.model_dump(mode="json"))

    @router.get(
        "/api/policies",
        summary="救助项目列表",
        description="十个救助项目的编号、名称、别名、主管部门和一句话简介。",
    )
    async def list_policies() -> list[dict[str, Any]]:
        return [_brief(program) for program in load_catalog()]

    @router.get(
        "/api/policies/{program_id}",
        summary="一个救助项目的详细说明",
        description=(
            "条件、材料、办理步骤和时限、到哪里办、怎么发放，每条都注明依据的文件。"
            "可以用编号（dibao）或名称、别名（低保、五保户）查询；没有的项目返回 404。"
        ),
        responses={404: {"description": "没有这个救助项目"}},
    )
    async def get_policy(program_id: str) -> Any:
        catalog = load_catalog()
        resolved = catalog.resolve(program_id)
        if resolved is None:
            message = error_texts()["checks"]["unknown_program"].format(
                value=program_id, available="、".join(catalog.programs)
            )
            return JSONResponse(status_code=404, content={"detail": message})
        program = catalog[resolved]
        used = {fact.source for fact in program.facts()}
        return {
            **program.model_dump(mode="json"),
            "sources": {
                source_id: catalog.source(source_id).model_dump(mode="json")
                for source_id in sorted(used)
            },
        }

    return router


def _invalid(errors: list[FieldError]) -> JSONResponse:
    return JSONResponse(status_code=422, content=InvalidHousehold(errors).to_json())


def _brief(program: Program) -> dict[str, Any]:
    return {
        "id": program.id,
        "name": program.name,
        "short_name": program.short_name,
        "synonyms": program.synonyms,
        "department": program.department.text,
        "summary": program.summary.text,
    }


def _inline_schema(model: type[Household]) -> dict[str, Any]:
    """The model's JSON schema with its ``$defs`` inlined, to embed in OpenAPI as is."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].split("/")[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)
