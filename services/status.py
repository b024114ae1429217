"""Look up a status: the chat account's own cases (when the channel vouches for the
sender), or a case number + the last 6 characters of the applicant's 身份证号 — then
with the staff's messages to the applicant too.

Failed look-ups are counted per case in the database (``services.guard``), so a new
sender id, another channel or a second server process starts from the same count:
5 failures an hour (``services/limits.yml``), then the case's look-up is locked and its
township's staff are told, once.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from backend.schemas import CaseView
from base.messages import is_verified
from services.guard import Guard, configured_limit
from services.wording import wording

if TYPE_CHECKING:
    from backend.service import Backend

StatusResult = Literal["found", "not_found", "locked"]
_CASE_NO = re.compile(r"JZ\d{8}-\d{4,}")
REFUSED = "rejected"


class StatusOutcome(BaseModel):
    result: StatusResult
    case: CaseView | None = None  # only when found
    left: int = 0  # failures left before the look-up is locked
    locked_until: datetime | None = None
    minutes: int = 0  # how long a lock lasts
    messages: list[str] = []  # staff messages to the applicant (only when found)
    reason: str = ""  # a refusal's reason, as the applicant was told it (only when found)
    review: CaseView | None = None  # the review (复核) of this refusal under way, if any


def status_key(case_no: str) -> str:
    return f"status:{case_no.strip().upper()}"


class StatusLookup:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.guard = Guard(backend, configured_limit("status"))

    def mine(self, chat_channel: str, sender: str) -> list[CaseView]:
        """Cases opened from this chat account, newest first — none for a sender the
        channel cannot vouch for (anyone may type that id): they prove identity."""
        if not is_verified(sender):
            return []
        return self.backend.cases_for_sender(chat_channel, sender)

    def own_handoff(self, chat_channel: str, sender: str, case_no: str) -> StatusOutcome | None:
        """This chat account's 转人工 case named by number: found without an ID (it holds
        none; it was opened and talked in from this account) — staff replies included."""
        wanted = case_no.strip().upper()
        for case in self.backend.cases_for_sender(chat_channel, sender):
            if case.case_no == wanted and case.kind == "handoff":
                return StatusOutcome(
                    result="found",
                    case=case,
                    left=self.guard.limit.failures,
                    messages=self.backend.staff_messages(case.case_no),
                    reason="",
                )
        return None

    def reason(self, case: CaseView) -> str:
        """The reason a refused case was told (不予受理 / 不予批准), "" for any other case.
        Only for a case whose identity was proven (the caller's own, or by number + ID)."""
        if case.status != REFUSED:
            return ""
        return self.backend.case_detail(case.case_no).decision_reason or ""

    def reasons(self, cases: list[CaseView]) -> dict[str, str]:
        """The refusal reasons of these (own) cases, by case number."""
        return {case.case_no: self.reason(case) for case in cases if case.status == REFUSED}

    def review_of(self, case: CaseView) -> CaseView | None:
        """The review (复核) of a refused case not finished yet, whoever asked for it: the
        status of the refusal says it is under way (probeM R19)."""
        if case.status != REFUSED:
            return None
        rules = self.backend.rules
        return next(
            (
                review
                for review in self.backend.list_cases(kind="review", limit=500)
                if review.related_case_no == case.case_no
                and not rules.is_terminal(review.kind, review.status)
            ),
            None,
        )

    def locked(self, case_no: str) -> StatusOutcome | None:
        """The locked outcome when look-ups of this case are locked now, else None."""
        until = self.guard.locked_until(status_key(case_no))
        if until is None:
            return None
        return StatusOutcome(result="locked", locked_until=until, minutes=self.guard.minutes)

    def look_up(self, case_no: str, id_last6: str) -> StatusOutcome:
        """The case when ``id_last6`` proves who asks; a failure counts against the case."""
        locked = self.locked(case_no)
        if locked is not None:
            return locked
        case = self.backend.verify_case_identity(case_no, id_last6)
        if case is not None:
            return StatusOutcome(
                result="found",
                case=case,
                left=self.guard.limit.failures,
                messages=self.backend.staff_messages(case.case_no),
                reason=self.reason(case),
                review=self.review_of(case),
            )
        key = status_key(case_no)
        failure = self.guard.fail(key)
        if failure.left > 0:
            return StatusOutcome(result="not_found", left=failure.left, minutes=self.guard.minutes)
        if failure.just_locked and failure.locked_until is not None:
            self._tell_staff(case_no, key, failure.locked_until)
        return StatusOutcome(
            result="locked", locked_until=failure.locked_until, minutes=self.guard.minutes
        )

    def _tell_staff(self, case_no: str, key: str, until: datetime) -> None:
        """The case's township staff hear of the lock once (nothing for a made-up number)."""
        case = self.backend.find_case(case_no) if _CASE_NO.fullmatch(case_no.upper()) else None
        if case is None:
            return
        text = wording()(
            "notices.status_locked",
            case_no=case.case_no,
            failures=self.guard.limit.failures,
            minutes=self.guard.minutes,
        )
        self.backend.notify_staff(
            self.guard.lock_key(key, until),
            text,
            case_no=case.case_no,
            township=case.township,
            kind="limit",
            priority="normal",
        )
