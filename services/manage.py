"""A resident managing their own application by chat: withdraw it (before a decision;
staff are told by the transition), pass a correction of submitted facts on to staff (a
note on the case), ask for a review (复核) of a refusal (``backend.review``). Only the
applications this chat account filed can be managed here: the account is the proof —
so nothing for a sender the channel cannot vouch for (``base.messages.is_verified``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from backend.errors import NotFound
from backend.review import open_review
from backend.schemas import CaseView
from base.messages import is_verified
from base.privacy import mask_text
from services.chat import application_channel
from services.wording import wording

if TYPE_CHECKING:
    from backend.service import Backend

WITHDRAWN = "withdrawn"
REFUSED = "rejected"
ACTOR = "resident"


class OwnRequests:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def applications(self, chat_channel: str, sender: str) -> list[CaseView]:
        """The applications filed from this chat account, newest first (none from an
        unauthenticated one: anyone may type its id)."""
        if not is_verified(sender):
            return []
        kind = self.backend.rules.application_kind
        return [c for c in self.backend.cases_for_sender(chat_channel, sender) if c.kind == kind]

    def withdrawable(self, chat_channel: str, sender: str) -> list[CaseView]:
        """Those still before a decision (withdrawing is allowed there)."""
        return [
            case
            for case in self.applications(chat_channel, sender)
            if WITHDRAWN in self.backend.rules.workflow(case.kind).allowed(case.status)
        ]

    def can_withdraw(self, case: CaseView) -> bool:
        """Whether this application may still be withdrawn (before a decision)."""
        rules = self.backend.rules
        return case.kind == rules.application_kind and WITHDRAWN in rules.workflow(
            case.kind
        ).allowed(case.status)

    def proven(self, case_no: str) -> CaseView | None:
        """A case this chat proved it may see (case number + 身份证后6位), if it exists."""
        return self.backend.find_case(case_no)

    def withdrawn(self, chat_channel: str, sender: str) -> list[CaseView]:
        """Those withdrawn (a chat cannot take a withdrawal back: a new application can)."""
        return [c for c in self.applications(chat_channel, sender) if c.status == WITHDRAWN]

    def correctable(self, chat_channel: str, sender: str) -> list[CaseView]:
        """Those not finished (a correction can still change them)."""
        rules = self.backend.rules
        return [
            case
            for case in self.applications(chat_channel, sender)
            if not rules.is_terminal(case.kind, case.status)
        ]

    def refused(self, chat_channel: str, sender: str, seen: str | None = None) -> list[CaseView]:
        """The refused applications of this account — and ``seen``, a case this chat
        proved it may see (case number + 身份证后6位), when that one was refused."""
        cases = [c for c in self.applications(chat_channel, sender) if c.status == REFUSED]
        proven = self.backend.find_case(seen) if seen else None
        if proven is not None and proven.status == REFUSED:
            cases += [proven] if all(c.case_no != proven.case_no for c in cases) else []
        return cases

    def reason(self, case: CaseView) -> str:
        """The reason the applicant was told with the refusal ("" when none was kept)."""
        return self.backend.case_detail(case.case_no).decision_reason or ""

    def review_under_way(self, chat_channel: str, sender: str, case_no: str) -> CaseView | None:
        """The review of ``case_no`` asked from this account and not finished, if any."""
        rules = self.backend.rules
        return next(
            (
                case
                for case in self.backend.cases_for_sender(chat_channel, sender)
                if case.kind == "review"
                and case.related_case_no == case_no
                and not rules.is_terminal(case.kind, case.status)
            ),
            None,
        )

    def _own(
        self, chat_channel: str, sender: str, case_no: str, seen: str | None = None
    ) -> CaseView:
        wanted = case_no.strip().upper()
        for case in self.applications(chat_channel, sender):
            if case.case_no == wanted:
                return case
        if seen and seen.strip().upper() == wanted:
            proven = self.backend.find_case(wanted)
            if proven is not None:
                return proven
        raise NotFound(f"没有找到案件 {case_no}")

    def withdraw(
        self, chat_channel: str, sender: str, case_no: str, seen: str | None = None
    ) -> CaseView:
        """Withdraw (raises ``InvalidTransition`` after a decision). ``seen``: a case this
        chat proved by number + 身份证后6位 (a relative of the applicant, another phone);
        staff read in the note that it was withdrawn so."""
        mine = {c.case_no for c in self.applications(chat_channel, sender)}
        case = self._own(chat_channel, sender, case_no, seen)
        key = "manage.withdraw_note" if case.case_no in mine else "manage.withdraw_note_checked"
        return self.backend.transition(case.case_no, WITHDRAWN, wording()(key), ACTOR)

    def correct(
        self,
        chat_channel: str,
        sender: str,
        case_no: str,
        text: str,
        changes: Mapping[str, Any] | None = None,
    ) -> tuple[CaseView, list[str]]:
        """A correction passed on to staff as a note on the case (masked). ``changes``:
        the household facts the correction states (``monthly_income: 500``), each said
        as a line with the value the application had ("月收入：300元 → 500元"); the case
        and those lines."""
        case = self._own(chat_channel, sender, case_no)
        household = self.backend.case_detail(case.case_no).household or {}
        lines = [_change_line(key, value, household) for key, value in (changes or {}).items()]
        lines = [line for line in lines if line]
        said = mask_text(text.strip())
        say = wording()
        self.backend.add_note(
            case.case_no,
            say("manage.correction_note", text=said, changes=lines),
            staff_text=say(
                "manage.correction_staff", case_no=case.case_no, text=said, changes=lines
            ),
        )
        return case, lines

    def review_withdraw_asked(self, review_no: str, case_no: str, text: str) -> None:
        """ "我能不能撤回这个复核 我去镇里当面说": a note on the review for staff, who
        withdraw it after asking the applicant (a review is ended by staff)."""
        say = wording()
        self.backend.add_note(
            review_no,
            say("manage.review_withdraw_note", text=text),
            staff_text=say(
                "manage.review_withdraw_staff", review_no=review_no, case_no=case_no, text=text
            ),
        )

    def decision(self, case: CaseView) -> str:
        """不予受理 (refused before it was accepted) or 不予批准, as the refusal was made."""
        return decision_of(self.backend, case.case_no)

    def review(
        self, chat_channel: str, sender: str, case_no: str, reason: str, seen: str | None = None
    ) -> tuple[CaseView, bool]:
        """A review case linked to the refused application; (case, opened now). ``seen``:
        a case this chat proved it may see by number + 身份证后6位 (a relative asking)."""
        case = self._own(chat_channel, sender, case_no, seen)
        summary = wording()(
            "manage.review_summary",
            case_no=case.case_no,
            decision=self.decision(case),
            reason=mask_text(reason.strip()),
        )
        return open_review(
            self.backend,
            case.case_no,
            summary=summary,
            channel=application_channel(chat_channel),
            chat_channel=chat_channel,
            chat_sender=sender,
        )


def decision_of(backend: Backend, case_no: str) -> str:
    """不予受理 (refused before it was accepted) or 不予批准, as the refusal was made."""
    events = backend.case_detail(case_no).events
    into = [e for e in events if e.to_status == REFUSED]
    before = into[-1].from_status if into else ""
    key = "manage.decision_not_accepted" if before == "submitted" else "manage.decision_refused"
    return wording()(key)


def _old_value(key: str, household: Mapping[str, Any]) -> Any:
    """What the filed household says of ``key`` (a fact key of ``nlu.facts``), or None."""
    members = household.get("members") or []
    assets = household.get("assets") or {}
    if key == "household_size":
        return len(members) or None
    if key == "ages":
        return [m.get("age") for m in members if m.get("age") is not None] or None
    if key in ("deposits", "vehicles", "houses"):
        return assets.get(key)
    return household.get(key)


def _shown(key: str, value: Any) -> str:
    say = wording()
    if isinstance(value, list | tuple):
        return "、".join(_shown(key, item) for item in value)
    names: dict[str, str] = say.raw("manage.change_values")
    if str(value) in names:
        return names[str(value)]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    units: dict[str, str] = say.raw("manage.change_units")
    return f"{value}{units.get(key, '')}"


def _change_line(key: str, value: Any, household: Mapping[str, Any]) -> str:
    """ "月收入：300元 → 500元" (or "月收入改为500元" when the application did not say)."""
    labels: dict[str, str] = wording().raw("manage.change_labels")
    if key not in labels or value is None:
        return ""
    old = _old_value(key, household)
    before = _shown(key, old) if old not in (None, [], "") else None
    return wording()("manage.change_line", label=labels[key], old=before, new=_shown(key, value))
