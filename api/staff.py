"""Staff account routes."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AdminDep, BackendDep, StaffDep
from api.errors import http_errors
from backend.schemas import StaffCreate, StaffCreated, StaffPublic

router = APIRouter(prefix="/staff", tags=["工作人员"])


@router.post("", summary="新建工作人员账号", status_code=201, response_model=StaffCreated)
def create_staff(body: StaffCreate, backend: BackendDep, _admin: AdminDep) -> StaffCreated:
    """仅限管理员。返回的访问令牌只显示这一次，系统只保存其哈希，请妥善转交本人。"""
    with http_errors():
        public, token = backend.create_staff(body.name, body.role, body.region)
    return StaffCreated(**public.model_dump(), token=token)


@router.get("/me", summary="当前登录的工作人员", response_model=StaffPublic)
def me(staff: StaffDep) -> StaffPublic:
    """核对令牌对应的姓名、角色和辖区。"""
    return staff
