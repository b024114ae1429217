"""Staff account routes."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

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


@router.get("", summary="工作人员账号列表", response_model=list[StaffPublic])
def list_staff(backend: BackendDep, _admin: AdminDep) -> list[StaffPublic]:
    """仅限管理员。包括已停用的账号（active=false）。"""
    return backend.list_staff()


def _revoke(backend: BackendDep, admin: StaffPublic, staff_id: int) -> StaffPublic:
    if admin.id == staff_id:
        raise HTTPException(status.HTTP_409_CONFLICT, "不能停用自己正在使用的账号。")
    with http_errors():
        return backend.revoke_staff(staff_id)


@router.post("/{staff_id}/revoke", summary="停用工作人员账号", response_model=StaffPublic)
def revoke_staff(staff_id: int, backend: BackendDep, admin: AdminDep) -> StaffPublic:
    """仅限管理员。令牌立即失效，工作台登录立即退出，绑定的聊天账号解除绑定。"""
    return _revoke(backend, admin, staff_id)


@router.delete("/{staff_id}", summary="停用工作人员账号（同 revoke）", status_code=204)
def delete_staff(staff_id: int, backend: BackendDep, admin: AdminDep) -> Response:
    """仅限管理员。账号保留在办理记录里，只是停用。"""
    _revoke(backend, admin, staff_id)
    return Response(status_code=204)
