"""Staff accounts: tokens (only their keyed hash is stored), the admin token from the
environment, and chat accounts bound with ``/bind <token>``."""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import delete, select

from backend.db import Database
from backend.errors import InvalidInput, NotFound
from backend.models import ChatBinding, Staff
from backend.pii import PersonalData
from backend.schemas import StaffCreated, StaffPublic
from backend.sqlhelp import dialect_insert

ROLES = ("admin", "caseworker")
ENV_ADMIN = StaffPublic(id=None, name="管理员（JIUZHU_ADMIN_TOKEN）", role="admin", region="")


class StaffService:
    def __init__(self, database: Database, pii: PersonalData, admin_token: str | None) -> None:
        self.db = database
        self.pii = pii
        self.admin_token = admin_token or None

    def create(self, name: str, role: str, region: str = "") -> StaffCreated:
        """Create an account; the returned token is shown once and never stored."""
        if role not in ROLES:
            raise InvalidInput("角色应为 admin 或 caseworker")
        if not name.strip():
            raise InvalidInput("姓名不能为空")
        if role == "caseworker" and not region.strip():
            raise InvalidInput("经办人员必须指定辖区（乡镇街道）")
        token = "jz_" + secrets.token_urlsafe(24)
        with self.db.session() as session:
            staff = Staff(
                name=name.strip(),
                role=role,
                region=region.strip(),
                token_hash=self.pii.token_hash(token),
            )
            session.add(staff)
            session.flush()
            public = StaffPublic.model_validate(staff, from_attributes=True)
        return StaffCreated(**public.model_dump(), token=token)

    def revoke(self, staff_id: int) -> StaffPublic:
        """Stop an account at once: its token, its console sessions (checked on every
        request) and the chat accounts bound to it. Kept for the audit trail."""
        with self.db.session() as session:
            staff = session.get(Staff, staff_id)
            if staff is None:
                raise NotFound(f"没有编号为 {staff_id} 的工作人员")
            staff.active = False
            session.add(staff)
            session.execute(
                delete(ChatBinding).where(
                    ChatBinding.role == "staff",  # type: ignore[arg-type]
                    ChatBinding.staff_id == staff_id,  # type: ignore[arg-type]
                )
            )
            session.flush()
            return StaffPublic.model_validate(staff, from_attributes=True)

    def all(self) -> list[StaffPublic]:
        with self.db.session() as session:
            rows = session.execute(select(Staff).order_by(Staff.id)).scalars()  # type: ignore[arg-type]
            return [StaffPublic.model_validate(s, from_attributes=True) for s in rows]

    def for_token(self, token: str | None) -> StaffPublic | None:
        if not token:
            return None
        if self.admin_token and hmac.compare_digest(token.encode(), self.admin_token.encode()):
            return ENV_ADMIN
        with self.db.session() as session:
            staff = session.execute(
                select(Staff).where(
                    Staff.token_hash.in_(self.pii.token_hashes(token)),  # type: ignore[attr-defined]
                    Staff.active,
                )
            ).scalar_one_or_none()
            return StaffPublic.model_validate(staff, from_attributes=True) if staff else None

    def bind_chat(self, token: str, chat_channel: str, sender: str) -> StaffPublic | None:
        """Bind a chat account to the staff member owning ``token`` (None: unknown token).

        The environment admin token is not bindable: it is not a person."""
        staff = self.for_token(token)
        if staff is None or staff.id is None:
            return None
        with self.db.session() as session:
            table = ChatBinding.__table__  # type: ignore[attr-defined]
            stmt = dialect_insert(session, table).values(
                role="staff", chat_channel=chat_channel, sender=sender, staff_id=staff.id
            )
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[table.c.role, table.c.chat_channel, table.c.sender],
                    set_={"staff_id": staff.id},
                )
            )
        return staff

    def for_chat(self, chat_channel: str, sender: str) -> StaffPublic | None:
        with self.db.session() as session:
            staff = session.execute(
                select(Staff)
                .join(ChatBinding, ChatBinding.staff_id == Staff.id)  # type: ignore[arg-type]
                .where(
                    ChatBinding.role == "staff",
                    ChatBinding.chat_channel == chat_channel,
                    ChatBinding.sender == sender,
                    Staff.active,
                )
            ).scalar_one_or_none()
            return StaffPublic.model_validate(staff, from_attributes=True) if staff else None


def actor_label(staff: StaffPublic) -> str:
    """How a staff member is named in the audit trail."""
    return f"staff:{staff.id} {staff.name}" if staff.id is not None else f"admin-token {staff.name}"
