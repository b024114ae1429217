"""转人工 is a conversation: while a chat is attached to its hand-off case, every message
the resident writes is added to the case (masked) and told to staff at once; staff
answers (API, console, the Telegram staff group) go back to the same chat through the
outbox (``CaseService.message_resident``). Also: when a person answers (working days of
the rules' calendar, office hours of ``services/handoff.yml``, China time).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from backend import conversation
from backend.clock import CHINA, utcnow
from backend.conversation import Line
from backend.schemas import CaseView, StaffPublic
from base.datafiles import load_yaml
from base.privacy import mask_text
from services.wording import wording

if TYPE_CHECKING:
    from backend.service import Backend
    from services.desk import Desk

HOURS_FILE = Path(__file__).with_name("handoff.yml")
CASE_NO = re.compile(r"JZ\d{8}-\d{4,}")
CLOSED = "closed"


@dataclass(frozen=True)
class OfficeHours:
    open: time
    close: time


@lru_cache(maxsize=1)
def office_hours() -> OfficeHours:
    data = load_yaml(HOURS_FILE)["office_hours"]
    return OfficeHours(time.fromisoformat(data["open"]), time.fromisoformat(data["close"]))


@dataclass(frozen=True)
class OfficeDays:
    """Office hours and the working days around today (China time)."""

    hours: OfficeHours
    open_now: bool
    today: date
    tomorrow: date
    tomorrow_working: bool
    next_day: date  # tomorrow when it is a working day, else the next working day


@dataclass(frozen=True)
class Availability:
    """Whether someone answers now, and else from when (China time)."""

    now: bool
    next_open: datetime


class Handoffs:
    """The hand-off conversation: the resident's side and the staff side."""

    def __init__(self, backend: Backend, desk: Desk, region: str = "") -> None:
        self.backend = backend
        self.desk = desk
        self.region = region

    # -- the resident's side ----------------------------------------------------------
    def still_open(self, case_no: str) -> CaseView | None:
        """The hand-off case while it is not closed (a closed one ends the attachment)."""
        case = self.backend.find_case(case_no)
        if case is None or case.kind != "handoff" or case.status == CLOSED:
            return None
        return case

    def say(self, case_no: str, text: str) -> int:
        """What the resident wrote, added to the case and told to staff; the event id."""
        masked = mask_text(text)
        staff_text = wording()("handoff.resident_message", case_no=case_no, text=masked)
        return conversation.add_resident_message(
            self.backend, case_no, masked, staff_text=staff_text
        )

    def staff_asked(self, case_no: str) -> str:
        """The last message staff wrote in the hand-off ('' when none yet)."""
        lines = conversation.conversation(self.backend, case_no)
        return next((line.note for line in reversed(lines) if not line.by_resident), "")

    def answered_since(self, case_no: str, event_id: int) -> bool:
        """Whether staff wrote to the resident after the resident's message ``event_id``."""
        lines = conversation.conversation(self.backend, case_no, event_id)
        return any(not line.by_resident for line in lines)

    def resident_reply(self, case_no: str, text: str) -> int:
        """A resident's answer to a staff message on any case (typed in a form, asked
        once): in the case's conversation, told to staff; the event id."""
        masked = mask_text(text)
        staff_text = wording()("handoff.resident_reply", case_no=case_no, text=masked)
        return conversation.add_resident_message(
            self.backend, case_no, masked, staff_text=staff_text
        )

    def flag_life(self, case_no: str, text: str, *, place_text: str = "") -> None:
        """A message of the hand-off that may mean danger to life ("不如死了算了" in an
        answer to staff): the case itself marked danger to life, with a note staff read
        in the case (the message is in the conversation already), the township named."""
        from nlu.places import match_place

        masked = mask_text(text)
        say = wording()
        place = match_place(place_text, self.region) if place_text else None
        self.backend.add_note(
            case_no,
            say("handoff.life_note", text=masked),
            staff_text=say("handoff.life_staff_note", case_no=case_no, text=masked),
            summary_extra=say("handoff.life_note", text=masked),
            priority="life",
            actor="assistant",  # the flag, not a second copy of the message in the thread
            township=place.township if place else "",
            village=(place.village or "") if place else "",
        )

    def set_place(self, case_no: str, text: str) -> None:
        """ "我是长春镇二港村的" in the conversation: the township of a case that has none,
        so that township's caseworker lists and answers it."""
        from backend.notes import fill_place
        from nlu.places import match_place

        case = self.backend.find_case(case_no)
        if case is None or case.township:
            return
        place = match_place(text, self.region)
        if place is None or not place.township:
            return
        fill_place(self.backend, case_no, place.township, place.village or "")

    def availability(self, moment: datetime | None = None) -> Availability:
        """Whether a person answers at ``moment`` (now), or from when."""
        local = (moment or utcnow()).astimezone(CHINA)
        hours = office_hours()
        calendar = self.backend.rules.calendar
        day = local.date()
        if calendar.is_working_day(day) and hours.open <= local.time() < hours.close:
            return Availability(True, local)
        if not (calendar.is_working_day(day) and local.time() < hours.open):
            day = _next_working_day(calendar.is_working_day, day)
        return Availability(False, datetime.combine(day, hours.open, tzinfo=CHINA))

    def office_days(self, moment: datetime | None = None) -> OfficeDays:
        """The office hours, and whether tomorrow is a working day (else the next one):
        "明天能不能去镇上办" answered by the calendar (probeM 17)."""
        local = (moment or utcnow()).astimezone(CHINA)
        working = self.backend.rules.calendar.is_working_day
        tomorrow = local.date() + timedelta(days=1)
        next_day = tomorrow if working(tomorrow) else _next_working_day(working, tomorrow)
        return OfficeDays(
            hours=office_hours(),
            open_now=self.availability(local).now,
            today=local.date(),
            tomorrow=tomorrow,
            tomorrow_working=working(tomorrow),
            next_day=next_day,
        )

    # -- the staff side -----------------------------------------------------------------
    def conversation(self, staff: StaffPublic, case_no: str, after_id: int = 0) -> list[Line]:
        """The messages both ways (region rule of the desk)."""
        case = self.desk.case(staff, case_no)
        return conversation.conversation(self.backend, case.case_no, after_id)

    def reply(self, staff: StaffPublic, case_no: str, text: str) -> str:
        """A staff answer to the resident's chat (the desk's message); its outbox key."""
        return self.desk.message(staff, case_no, text)

    def reply_from_chat(
        self, chat_channel: str, sender: str, quoted: str, text: str
    ) -> tuple[StaffPublic | None, str | None]:
        """A staff member answering in a chat (the Telegram staff group) by replying to
        a message that names the case: (who, the case number) — None when the sender is
        no staff member or the quoted message names no case."""
        staff = self.desk.staff_for_chat(chat_channel, sender)
        found = CASE_NO.search(quoted or "")
        if staff is None or found is None:
            return staff, None
        self.reply(staff, found.group(0), text)
        return staff, found.group(0)


def _next_working_day(is_working_day: Callable[[date], bool], day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
