"""Apply: one set of answers, one case per program asked for.

"低保和医疗救助都要申请" is one application: the resident answers the questions once, and
each program gets its own case (its own number, workflow and deadline) — none is
dropped: each comes back as created, duplicate (the open case's number), "already
receives it" or — for a 身份证号 known from someone not provably this applicant —
received (a case of its own, flagged for staff; nothing about the other is told). The household the resident gave and its screening are kept on every case,
with the consents agreed (and their versions). Every case is opened in one transaction,
so a bad request opens none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from backend.programs import program_name
from backend.schemas import Applicant, CaseCreate, CaseView, ConsentIn
from services.consents import APPLICATION_CONSENTS, consent
from services.wording import wording

if TYPE_CHECKING:
    from backend.service import Backend

# "received": the 身份证号 is already known from someone else (another case, the roster)
# and this applicant is not provably that person — filed as a case of its own, flagged
# for staff as a possible conflict; the applicant is told it was received, with the number
# of this case only (nothing about the other person's).
Result = Literal["created", "duplicate", "already_recipient", "received"]


class ApplicationRequest(BaseModel):
    """What an application gives: who, where, the programs, the household, the consents."""

    programs: list[str] = Field(min_length=1, description="救助项目（一项或几项）")
    applicant: Applicant
    township: str = ""
    village: str = ""
    household: dict[str, Any] = Field(description="domain.md 的家庭情况")
    channel: str = Field(description="办理渠道：网上办/掌上办/电话办/口述办")
    chat_channel: str | None = None
    chat_sender: str | None = None
    recorded_by: int | None = Field(default=None, description="口述办的录入人")
    agreed: list[str] = Field(
        default_factory=list, description="已同意的文本（commitment, authorisation）"
    )
    summary: str | None = Field(default=None, description="情况摘要；空则按家庭情况生成")
    screening: dict[str, Any] | None = Field(
        default=None,
        description="申请人看到的测算结果（空则按家庭情况测算）；必须是这个家庭的测算",
    )
    screen: bool = Field(
        default=True,
        description="False：家庭情况不全（只问了谁、在哪里的 Rasa 表单），不测算，入户核实时补齐",
    )
    consents_in_person: bool = Field(
        default=False,
        description="True：承诺书、授权书没有在聊天里签（表单里没有这两项），受理时当面签署",
    )


class ProgramOutcome(BaseModel):
    program: str
    result: Result
    case: CaseView | None = None  # the new case, or the open one for a duplicate


class ApplicationOutcome(BaseModel):
    """Per program what happened; or why nothing was filed."""

    programs: list[ProgramOutcome] = Field(default_factory=list)
    problem: str | None = None  # the household cannot be screened (nothing filed)
    missing_consents: list[str] = Field(default_factory=list)  # not agreed (nothing filed)
    screening: dict[str, Any] | None = None

    @property
    def filed(self) -> bool:
        return bool(self.programs)

    def of(self, result: Result) -> list[ProgramOutcome]:
        return [p for p in self.programs if p.result == result]

    @property
    def cases(self) -> list[CaseView]:
        """Every case the application points to (new or already open), in program order."""
        return [p.case for p in self.programs if p.case is not None]


class Applications:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def screen(self, household: dict[str, Any], today: dt.date | None = None) -> Any:
        """The screening of the household (raises ``InvalidHousehold``)."""
        from policies.screening import screen

        return screen(household, today=today or dt.date.today())

    def submit(self, request: ApplicationRequest) -> ApplicationOutcome:
        from policies.household import InvalidHousehold

        missing = [kind for kind in APPLICATION_CONSENTS if kind not in request.agreed]
        if missing and not request.consents_in_person:
            return ApplicationOutcome(missing_consents=missing)
        screening: dict[str, Any] | None = None
        if request.screen:
            try:
                result = self.screen(request.household)
            except InvalidHousehold as problem:
                return ApplicationOutcome(problem=problem.errors[0].message)
            # The result the applicant was shown (an amount given as a range is screened
            # at both ends by the form), else this household's own.
            screening = request.screening or result.model_dump(mode="json")
        programs = list(dict.fromkeys(request.programs))
        consents = [
            ConsentIn(text_id=consent(kind).id, text_version=consent(kind).version)
            for kind in APPLICATION_CONSENTS
            if kind in request.agreed
        ]
        in_person = wording()("summaries.consents_in_person") if missing else ""
        items = [
            CaseCreate(
                kind="application",
                programs=[program],
                priority=priority_of(program, request.household),
                channel=request.channel,
                township=request.township,
                village=request.village,
                summary=(request.summary or self.summary(program, request.household)) + in_person,
                applicant=request.applicant,
                chat_channel=request.chat_channel,
                chat_sender=request.chat_sender,
                household=request.household,
                screening=screening,
                recorded_by=request.recorded_by,
                consents=consents,
            )
            for program in programs
        ]
        outcomes = self.backend.create_cases(items)
        found: list[ProgramOutcome] = []
        for program, outcome in zip(programs, outcomes, strict=True):
            kind: Result = (
                "received"
                if outcome.conflict
                else "created"
                if outcome.created
                else "duplicate"
                if outcome.duplicate
                else "already_recipient"
            )
            # A possible conflict: the applicant still gets the number of the case filed
            # (their own; nothing of the other person's case is told) — probeM R20.
            case = outcome.case
            found.append(ProgramOutcome(program=program, result=kind, case=case))
        return ApplicationOutcome(programs=found, screening=screening)

    @staticmethod
    def summary(program: str, household: dict[str, Any]) -> str:
        return wording()(
            "summaries.application",
            program=program_name(program),
            household_size=len(household.get("members") or []) or None,
            monthly_income=household.get("monthly_income"),
        )


# 急难型临时救助 (国发〔2014〕47号: sudden events — fire, accident, sudden serious illness,
# disaster): looked at the same day (domain.md, "Urgent cases are looked at the same day").
SUDDEN_EVENTS = ("accident", "fire", "disaster", "sudden_illness")


def priority_of(program: str, household: dict[str, Any]) -> str:
    """ "urgent" for 临时救助 after a sudden event (a hit-and-run, a fire), else "normal"."""
    if program == "temporary" and household.get("hardship_event") in SUDDEN_EVENTS:
        return "urgent"
    return "normal"


def likely_programs(screening: dict[str, Any] | None) -> Sequence[str]:
    """The programs a screening found likely, in its order."""
    return [
        p["program"] for p in (screening or {}).get("programs", []) if p.get("status") == "likely"
    ]
