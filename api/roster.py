"""Recipient roster import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from api.deps import AdminDep, BackendDep
from backend.schemas import ImportResult

router = APIRouter(prefix="/recipients", tags=["救助对象名册"])


@router.post("/import", summary="导入救助对象名册", response_model=ImportResult)
def import_recipients(
    backend: BackendDep,
    _admin: AdminDep,
    file: Annotated[UploadFile, File(description="CSV（UTF-8 或 GBK）或 XLSX 文件")],
) -> ImportResult:
    """表头为 `姓名,身份证号,手机号,项目,乡镇街道,村社区`（项目可写编号或中文名）。
    校验身份证号；有效行导入，错误行按行号报告；同一文件重复导入不会产生变化。"""
    data = file.file.read()
    return backend.import_recipients(data, file.filename or "upload.csv")
