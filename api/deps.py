"""Dependencies of the staff API: the backend, the signed-in staff member, the admin check."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.limits import Limit
from backend.schemas import StaffPublic
from backend.service import Backend
from services import access
from services.container import Services
from services.desk import Desk

_bearer = HTTPBearer(auto_error=False, description="工作人员访问令牌（Bearer）")
# Wrong Bearer tokens, per client address, counted in the database (every process).
TOKEN_LIMIT = Limit(failures=10, window=timedelta(minutes=15))


def get_backend(request: Request) -> Backend:
    return request.state.backend  # set by the router built in api.build_router


BackendDep = Annotated[Backend, Depends(get_backend)]


def get_desk(request: Request) -> Desk:
    services: Services = request.state.services  # set by the router built in api.build_router
    return services.desk


DeskDep = Annotated[Desk, Depends(get_desk)]


def get_services(request: Request) -> Services:
    return request.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


def current_staff(
    request: Request,
    backend: BackendDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StaffPublic:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "未登录：请在请求头中提供 Authorization: Bearer <访问令牌>。",
            headers={"WWW-Authenticate": "Bearer"},
        )
    key = f"token:{request.client.host if request.client else 'unknown'}"
    if backend.limits.locked_until(key, TOKEN_LIMIT) is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "访问令牌错误次数过多，请15分钟后再试，或联系管理员。",
            headers={"Retry-After": str(int(TOKEN_LIMIT.window.total_seconds()))},
        )
    staff = backend.staff_for_token(credentials.credentials)
    if staff is None:
        backend.limits.fail(key, TOKEN_LIMIT)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "访问令牌无效或已停用，请向管理员重新申请。",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return staff


StaffDep = Annotated[StaffPublic, Depends(current_staff)]


def admin_staff(staff: StaffDep) -> StaffPublic:
    if staff.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "权限不足：此操作仅限管理员。")
    return staff


AdminDep = Annotated[StaffPublic, Depends(admin_staff)]


def region_of(staff: StaffPublic) -> str | None:
    """The township a caseworker is limited to; None for admins (everything)."""
    return access.region_of(staff)


def ensure_region(staff: StaffPublic, township: str) -> None:
    """The region rule (``services.access``) as an HTTP answer: 403 outside it."""
    try:
        access.ensure_covers(staff, township)
    except access.NotAllowed as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, exc.message) from exc
