"""The region rule, in one place: a caseworker works only in their own township (乡镇街道),
an administrator anywhere. The desk, 口述办 and the HTTP API all ask here."""

from __future__ import annotations

from backend.errors import BackendError
from backend.schemas import StaffPublic


class NotAllowed(BackendError):
    """The staff member may not act on this case or township."""

    def __init__(self, message: str, region: str = "") -> None:
        super().__init__(message)
        self.region = region


def region_of(staff: StaffPublic) -> str | None:
    """The township a caseworker is limited to; None for admins (everything)."""
    return None if staff.role == "admin" else staff.region


def covers(staff: StaffPublic, township: str | None) -> bool:
    region = region_of(staff)
    return region is None or (township or "") == region


def ensure_covers(staff: StaffPublic, township: str | None, kind: str = "") -> None:
    if not (covers(staff, township) or unplaced_for_all(township, kind)):
        raise NotAllowed(f"无权访问：该案件不在您的辖区（{staff.region}）。", staff.region)


# An urgent case whose place nobody has told yet (the person skipped 「您现在在哪里」)
# is seen by every caseworker, not by the administrator alone: a life case no township
# sees is seen by no one on duty (probeM 3). Its place, once told, routes it as usual.
UNPLACED_FOR_ALL = ("urgent",)


def unplaced_for_all(township: str | None, kind: str) -> bool:
    return not township and kind in UNPLACED_FOR_ALL
