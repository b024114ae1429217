"""Cases opened from a chat: which 办理渠道 a chat channel counts as, and the one use-case
that opens an urgent, hand-off, report, feedback or change-report case for a chat account.

The channel table is configuration (``services/channels.yml``), not reply text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from backend.schemas import CaseView
from base.datafiles import load_yaml

if TYPE_CHECKING:
    from backend.service import Backend

CHANNELS_FILE = Path(__file__).with_name("channels.yml")
# Cases about the resident's own matter: linked to their open application, if any. Not
# complaints and reports: a link to the reporter's own file would help name the reporter.
LINKED_KINDS = frozenset({"handoff", "change_report"})
# An urgent case waits for the place of the emergency (told later): never prefilled.
NOT_PREFILLED = frozenset({"urgent"})
# Statuses of a case no longer being handled.
ENDED = frozenset({"closed", "approved", "rejected", "withdrawn"})


@lru_cache(maxsize=1)
def _channels() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(CHANNELS_FILE)
    return data


def application_channel(chat_channel: str) -> str:
    """网上办 / 掌上办 / 电话办 for a chat channel."""
    table: dict[str, str] = _channels()["application_channel"]
    return table.get(chat_channel, table["default"])


def intake_channel() -> str:
    """The 办理渠道 of an application staff recorded from a resident's account (口述办)."""
    return str(_channels()["intake_channel"])


class ChatCase(BaseModel):
    """The case a chat opened — or, for a hand-off, the one already waiting."""

    case: CaseView
    created: bool = True
    already_waiting: bool = False  # a hand-off: this account's open one
    bound: bool = False  # a change report: the account is bound to a roster entry


class ChatCases:
    """Open a case for a chat account (``chat_channel`` + ``sender``)."""

    def __init__(self, backend: Backend, region: str) -> None:
        self.backend = backend
        self.region = region

    def open(
        self,
        kind: str,
        *,
        chat_channel: str,
        sender: str,
        summary: str,
        place_text: str = "",
        contact: str | None = None,
        priority: str = "normal",
        township: str = "",
        village: str = "",
    ) -> ChatCase:
        """Open a case from this chat (report, feedback …): its channel and chat account,
        the township named in ``place_text`` (so it reaches that township's staff) — else
        the one the conversation knows (``township``/``village``) — and the contact phone
        staff call back, if one was left."""
        from nlu.places import match_place

        place = match_place(place_text, self.region) if place_text else None
        if place is not None:
            township, village = place.township, place.village or ""
        return self._open(
            kind,
            chat_channel=chat_channel,
            sender=sender,
            summary=summary,
            township=township,
            village=village,
            applicant={"phone": contact} if contact else None,
            priority=priority,
        )

    def urgent(
        self,
        *,
        chat_channel: str,
        sender: str,
        summary: str,
        life: bool = False,
        place_text: str = "",
        township: str = "",
        village: str = "",
        applicant: dict[str, Any] | None = None,
    ) -> ChatCase:
        """An emergency: opened before anything is asked, so staff hear of it at once.
        ``life``: the message may mean danger to life (priority ``life``, shown first);
        the township ``place_text`` names, if any, so that township's staff see it —
        else the one the form under way knows (``township``/``village``, probeM 3);
        ``applicant``: the name and phone that form (or a 口述办 account) gave."""
        from nlu.places import match_place

        place = match_place(place_text, self.region) if place_text else None
        if place is not None:
            township, village = place.township, place.village or ""
        return self._open(
            "urgent",
            chat_channel=chat_channel,
            sender=sender,
            summary=summary,
            priority="life" if life else "urgent",
            township=township,
            village=village if township else "",
            applicant=applicant,
        )

    def waiting_urgent(self, *, chat_channel: str, sender: str) -> CaseView | None:
        """This account's urgent case still being handled, if any."""
        return next(
            (
                case
                for case in self.backend.cases_for_sender(chat_channel, sender)
                if case.kind == "urgent" and case.status != "closed"
            ),
            None,
        )

    def add_note(
        self,
        case_no: str,
        note: str,
        *,
        staff_text: str,
        place_text: str = "",
        phone: str | None = None,
        life: bool = False,
    ) -> None:
        """What the resident told after the case was opened (the urgent answers): the
        note, the township the place names (if the case has none), the phone to call;
        ``life`` marks the case as danger to life."""
        from nlu.places import match_place

        place = match_place(place_text, self.region) if place_text else None
        self.backend.add_note(
            case_no,
            note,
            staff_text=staff_text,
            summary_extra=note,
            township=place.township if place else "",
            village=(place.village or "") if place else "",
            phone=phone,
            priority="life" if life else None,
        )

    def false_alarm(
        self, case_no: str, note: str, *, staff_text: str, lower: bool, close: bool = False
    ) -> None:
        """The resident says the alarm was a mistake: noted in the case (nothing is
        deleted); ``lower``: the case was opened by the mistaken message, so it no longer
        stands first as danger to life; ``close``: the case is closed as a false alarm,
        staff reading why in the closing note (they may still call back)."""
        if close:
            self.backend.transition(case_no, "closed", staff_text, "resident")
            return
        self.backend.add_note(
            case_no,
            note,
            staff_text=staff_text,
            summary_extra=note,
            priority="normal" if lower else None,
        )

    def open_case(self, *, chat_channel: str, sender: str) -> CaseView | None:
        """This account's newest case still being handled (any kind), if any."""
        return next(
            (
                case
                for case in self.backend.cases_for_sender(chat_channel, sender)  # newest first
                if case.status not in ENDED
            ),
            None,
        )

    def waiting_handoff(self, *, chat_channel: str, sender: str) -> CaseView | None:
        """This account's hand-off still waiting for a person, if any."""
        return next(
            (
                case
                for case in self.backend.cases_for_sender(chat_channel, sender)
                if case.kind == "handoff" and case.status == "open"
            ),
            None,
        )

    def handoff(
        self,
        *,
        chat_channel: str,
        sender: str,
        summary: str,
        township: str = "",
        village: str = "",
    ) -> ChatCase:
        """A hand-off to a person; one open hand-off per chat account is enough. The
        township the conversation knows (a half-filled form) routes it."""
        waiting = self.waiting_handoff(chat_channel=chat_channel, sender=sender)
        if waiting is not None:
            return ChatCase(case=waiting, created=False, already_waiting=True)
        return self._open(
            "handoff",
            chat_channel=chat_channel,
            sender=sender,
            summary=summary,
            township=township,
            village=village,
        )

    def change_report(
        self,
        *,
        chat_channel: str,
        sender: str,
        summary: str,
        township: str = "",
        village: str = "",
    ) -> ChatCase:
        """A household change; a bound recipient's township and name go with it."""
        recipient = self.backend.recipient_for_chat(chat_channel, sender)
        opened = self._open(
            "change_report",
            chat_channel=chat_channel,
            sender=sender,
            summary=summary,
            township=recipient.township if recipient else township,
            village=recipient.village if recipient else village,
            applicant={"name": recipient.name} if recipient else None,
        )
        return opened.model_copy(update={"bound": recipient is not None})

    def _open(
        self,
        kind: str,
        *,
        chat_channel: str,
        sender: str,
        summary: str,
        township: str = "",
        village: str = "",
        applicant: dict[str, Any] | None = None,
        priority: str = "normal",
    ) -> ChatCase:
        own = self.backend.cases_for_sender(chat_channel, sender)
        if not township and kind not in NOT_PREFILLED:
            township, village = self.known_place(chat_channel, sender, own)
        related = self.open_application(own) if kind in LINKED_KINDS else None
        outcome = self.backend.create_case(
            kind,
            channel=application_channel(chat_channel),
            chat_channel=chat_channel,
            chat_sender=sender,
            township=township,
            village=village,
            applicant=applicant,
            priority=priority,
            summary=summary,
            related_case_no=related.case_no if related else None,
        )
        assert outcome.case is not None  # only applications can be duplicates
        return ChatCase(case=outcome.case)

    def open_application(self, own: list[CaseView]) -> CaseView | None:
        """The newest application of this account still being handled, if any."""
        rules = self.backend.rules
        return next(
            (
                case
                for case in own
                if case.kind == rules.application_kind
                and not rules.is_terminal(case.kind, case.status)
            ),
            None,
        )

    def place_of(self, chat_channel: str, sender: str) -> tuple[str, str]:
        """The township and village this chat account is known by (``known_place``)."""
        return self.known_place(
            chat_channel, sender, self.backend.cases_for_sender(chat_channel, sender)
        )

    def known_place(self, chat_channel: str, sender: str, own: list[CaseView]) -> tuple[str, str]:
        """The township and village this account is known by: its roster entry, else its
        open application, else its newest case that has one; ("", "") when none."""
        recipient = self.backend.recipient_for_chat(chat_channel, sender)
        if recipient is not None and recipient.township:
            return recipient.township, recipient.village or ""
        application = self.open_application(own)
        placed = [application] if application and application.township else []
        placed += [case for case in own if case.township]
        return (placed[0].township, placed[0].village) if placed else ("", "")
