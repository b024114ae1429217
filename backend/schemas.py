"""Public (read) and input models of the backend service and API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from backend.models import CaseBase, CheckInBase, StaffBase
from base.privacy import mask_text


class Applicant(BaseModel):
    name: str = Field(default="", description="姓名")
    id_number: str | None = Field(default=None, description="身份证号（18位）")
    phone: str | None = Field(default=None, description="手机号")


class ConsentIn(BaseModel):
    text_id: str = Field(description="承诺/授权文本编号")
    text_version: str = Field(description="文本版本")


class CaseCreate(CaseBase):
    """Everything a chat flow or staff intake gives when a case is opened."""

    applicant: Applicant = Field(default_factory=Applicant)
    chat_channel: str | None = None
    chat_sender: str | None = None
    household: dict[str, Any] | None = None
    screening: dict[str, Any] | None = None
    recorded_by: int | None = None
    consents: list[ConsentIn] = Field(default_factory=list)
    related_case_no: str | None = None  # the case this one is about (the open application)

    @field_validator("summary")
    @classmethod
    def _mask_summary(cls, value: str) -> str:
        # Summaries are shown in lists, feeds and staff chats: an ID or phone typed
        # into the story is masked however it was typed. Full values live encrypted.
        return mask_text(value)


class CaseView(BaseModel):
    """A case as lists, notifications and residents see it: the 身份证号 masked."""

    case_no: str = Field(description="案件编号")
    kind: str = Field(description="案件类型")
    kind_label: str = Field(description="案件类型（中文）")
    programs: list[str] = Field(description="救助项目")
    status: str = Field(description="状态")
    stage: str = Field(description="当前阶段（中文）")
    stage_date: date = Field(description="进入当前阶段的日期")
    next_step: str = Field(description="下一步")
    deadline: date | None = Field(description="办理时限（按工作日计算）")
    channel: str = Field(description="办理渠道")
    priority: str = Field(description="优先级")
    township: str = Field(description="乡镇街道")
    village: str = Field(description="村社区")
    applicant_name: str = Field(description="申请人姓名")
    id_masked: str | None = Field(description="身份证号（脱敏）")
    summary: str = Field(description="情况摘要")
    created_at: datetime = Field(description="创建时间（UTC）")
    related_case_no: str | None = Field(default=None, description="关联案件（复核所针对的申请）")
    conflict_with: str | None = Field(
        default=None, description="可能冲突：同一身份证号已有的案件编号或「名册」（待核实）"
    )


class EventPublic(BaseModel):
    at: datetime
    actor: str = Field(description="操作人（工作人员带姓名）")
    action: str
    from_status: str | None
    to_status: str | None
    note: str = Field(description="内部备注（只给工作人员看）")
    message: str = Field(default="", description="告知申请人的原文")


class Approval(BaseModel):
    """What an approval records: the programs granted, the monthly amount, the start month."""

    programs: list[str] = Field(min_length=1, description="批准的救助项目（申请的项目之一或几项）")
    monthly_amount: float = Field(gt=0, description="每月金额（元，全户）")
    start_month: str = Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="开始发放的月份，如 2027-01"
    )


class TransitionRequest(BaseModel):
    """One step along the workflow. ``note`` is internal (staff only); ``reason`` (needed
    by refusals and objections) and ``message`` are what the applicant is told."""

    to: str = Field(description="目标状态，如 accepted、investigating、approved、rejected")
    note: str = Field(
        default="", max_length=2000, description="内部备注：只记入办理记录，不发给申请人"
    )
    reason: str = Field(
        default="",
        max_length=1000,
        description="理由：不予受理、不予批准、公示异议时必填，会告知申请人",
    )
    message: str = Field(
        default="", max_length=2000, description="给申请人的话（可不填），随通知一起发送"
    )
    approval: Approval | None = Field(
        default=None, description="批准时必填：项目、每月金额、开始月份"
    )

    @field_validator("note", "reason", "message")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class TransitionPreview(BaseModel):
    """What a step would do, before it is done: the text the applicant will read."""

    case_no: str
    to: str
    stage: str = Field(description="转入的阶段（中文）")
    resident_text: str = Field(description="申请人将收到的通知原文")
    reaches_resident: bool = Field(description="申请人有聊天账号，通知会发到那里")
    staff_text: str = Field(description="工作人员看到的通知")


class MessagePreview(BaseModel):
    case_no: str
    resident_text: str = Field(description="申请人将收到的原文")
    reaches_resident: bool


class ConsentPublic(BaseModel):
    text_id: str
    text_version: str
    channel: str
    at: datetime


class CaseDetail(CaseView):
    """The staff detail view; ``id_number`` and ``phone`` only when explicitly revealed
    (and audited), their masked forms otherwise."""

    phone: str | None = Field(default=None, description="手机号（完整，仅在 reveal=true 时）")
    phone_masked: str | None = Field(default=None, description="手机号（遮盖）")
    id_number: str | None = Field(default=None, description="身份证号（完整，仅在 reveal=true 时）")
    chat_channel: str | None = None
    household: dict[str, Any] | None = None
    screening: dict[str, Any] | None = None
    recorded_by: int | None = Field(default=None, description="口述办录入人的工作人员编号")
    recorded_by_name: str | None = Field(default=None, description="口述办录入人姓名")
    decision_reason: str | None = Field(default=None, description="不予受理/不予批准的理由")
    approved_programs: list[str] | None = Field(default=None, description="批准的项目")
    monthly_amount: float | None = Field(default=None, description="批准的每月金额（元）")
    start_month: str | None = Field(default=None, description="开始发放的月份")
    publicity_ends: date | None = Field(default=None, description="公示的最后一天（公示中）")
    approvable_from: date | None = Field(default=None, description="可以批准的日期（公示中）")
    reasons_needed: dict[str, str] = Field(
        default_factory=dict, description="可转入的状态中须写明理由的（状态 → 理由名称）"
    )
    allowed_transitions: list[str] = Field(description="可转入的状态")
    events: list[EventPublic] = Field(description="办理记录")
    consents: list[ConsentPublic] = Field(description="承诺与授权记录")


class CaseOutcome(BaseModel):
    """Result of ``create_case``: a new case, the existing open one, or 'already a recipient'."""

    case: CaseView | None = None
    created: bool = False
    duplicate: bool = False
    already_recipient: bool = False
    already_recipient_programs: list[str] = Field(default_factory=list)
    conflict: bool = False  # a known 身份证号 from someone not provably that person


class StaffCreate(StaffBase):
    pass


class StaffPublic(StaffBase):
    id: int | None = Field(description="编号（环境变量管理员令牌为空）")
    active: bool = Field(default=True, description="是否有效（停用后令牌与登录立即失效）")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class StaffCreated(StaffPublic):
    token: str = Field(description="访问令牌，只显示这一次")


class RecipientPublic(BaseModel):
    id: int
    name: str
    id_masked: str
    phone_masked: str
    township: str
    village: str
    programs: list[str] = Field(default_factory=list)


class ImportRowError(BaseModel):
    line: int = Field(description="文件中的行号（表头为第1行）")
    message: str = Field(description="错误原因")


class ImportResult(BaseModel):
    imported: int = Field(description="新增名册条目数")
    updated: int = Field(description="更新条目数")
    errors: list[ImportRowError] = Field(default_factory=list, description="错误行")


class CheckInCreate(CheckInBase):
    """Staff recording a check-in on a recipient's behalf (or a flow recording one)."""

    recipient_id: int | None = Field(default=None, description="名册编号")
    id_number: str | None = Field(default=None, description="或：身份证号")
    channel: str = Field(default="电话办", description="签到渠道")


class CheckInPublic(BaseModel):
    recipient_id: int
    name: str
    id_masked: str
    township: str
    village: str
    quarter: str
    channel: str
    at: datetime
    changes: list[str]
    change_case_no: str | None


class CheckInOutcome(BaseModel):
    checkin: CheckInPublic
    already_done: bool = False
    change_case: CaseView | None = None


class MissingPage(BaseModel):
    quarter: str
    total: int
    items: list[RecipientPublic]


class Stats(BaseModel):
    by_status: dict[str, int]
    by_kind: dict[str, int]
    by_channel: dict[str, int]
    by_week: dict[str, int]
