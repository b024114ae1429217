"""Figures behind the statistics page: weekly arrivals by kind and channel, time spent
in each stage against its limit, and check-in completion by township (``Figures``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from backend.clock import CHINA, local_day, utcnow
from backend.models import Case, CaseEvent, CheckIn, Recipient
from backend.rules import Calendar

if TYPE_CHECKING:
    from backend.service import Backend


@dataclass(frozen=True)
class Weekly:
    weeks: list[date]  # the Monday of each ISO week, oldest first
    by_kind: dict[str, list[int]]
    by_channel: dict[str, list[int]]


@dataclass(frozen=True)
class StageTime:
    status: str
    median_days: float
    cases: int
    limit: int | None
    unit: str  # "working" | "calendar"


@dataclass(frozen=True)
class Completion:
    township: str
    done: int
    total: int


def weekly(backend: Backend, township: str | None, weeks: int = 12) -> Weekly:
    today = local_day(utcnow())
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    since = datetime.combine(first, time(), tzinfo=CHINA)
    query = select(Case.created_at, Case.kind, Case.channel).where(Case.created_at >= since)
    if township is not None:
        query = query.where(Case.township == township)
    kinds: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    channels: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    with backend.db.session() as session:
        for created, kind, channel in session.execute(query):
            index = (local_day(created) - first).days // 7
            if 0 <= index < weeks:
                kinds[backend.rules.kinds.get(kind, kind)][index] += 1
                channels[channel][index] += 1
    return Weekly(mondays, dict(kinds), dict(channels))


def working_days_between(calendar: Calendar, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += calendar.is_working_day(day)
    return days


def _elapsed(backend: Backend, unit: str, start: datetime, end: datetime) -> float:
    if unit == "working":
        calendar = backend.rules.calendar
        return working_days_between(calendar, local_day(start), local_day(end))
    return round((end - start).total_seconds() / 86400, 1)


DECISION = "decision"  # 受理 → 批准/不予批准, against the 30-working-day limit


def stage_times(backend: Backend, township: str | None) -> list[StageTime]:
    """Median time applications spent in each stage they have left (and 受理→决定)."""
    rules = backend.rules
    query = (
        select(CaseEvent.case_id, CaseEvent.at, CaseEvent.to_status)
        .join(Case, Case.id == CaseEvent.case_id)  # type: ignore[arg-type]
        .where(
            Case.kind == rules.application_kind,
            CaseEvent.action.in_(("created", "transition")),  # type: ignore[attr-defined]
        )
        .order_by(CaseEvent.case_id, CaseEvent.id)
    )
    if township is not None:
        query = query.where(Case.township == township)
    timelines: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    with backend.db.session() as session:
        for case_id, at, status in session.execute(query):
            timelines[case_id].append((status, at))
    deadlines = rules.deadlines.get(rules.application_kind, {})
    spent: dict[str, list[float]] = defaultdict(list)
    for steps in timelines.values():
        for (status, start), (_next, end) in pairwise(steps):
            rule = deadlines.get(status)
            spent[status].append(_elapsed(backend, rule.unit if rule else "calendar", start, end))
        accepted = next((at for s, at in steps if s == "accepted"), None)
        decided = next((at for s, at in steps if s in ("approved", "rejected")), None)
        if accepted and decided:
            spent[DECISION].append(_elapsed(backend, "working", accepted, decided))
    order = [*rules.workflows["application"].transitions, DECISION]
    found = []
    for status in order:
        if not spent.get(status):
            continue
        rule = deadlines.get(status if status != DECISION else "accepted")
        own_limit = rule is not None and (status == DECISION or rule.start == "stage")
        found.append(
            StageTime(
                status=status,
                median_days=float(median(spent[status])),
                cases=len(spent[status]),
                limit=rule.days if rule and own_limit else None,
                unit=rule.unit if rule else "calendar",
            )
        )
    return found


def completion(backend: Backend, quarter: str, township: str | None) -> list[Completion]:
    roster = select(Recipient.township, func.count()).group_by(Recipient.township)
    done = (
        select(Recipient.township, func.count())
        .join(CheckIn, CheckIn.recipient_id == Recipient.id)  # type: ignore[arg-type]
        .where(CheckIn.quarter == quarter)
        .group_by(Recipient.township)
    )
    if township is not None:
        roster = roster.where(Recipient.township == township)
        done = done.where(Recipient.township == township)
    with backend.db.session() as session:
        totals = {name: n for name, n in session.execute(roster)}
        done_by = {name: n for name, n in session.execute(done)}
    return [
        Completion(name or "（未填乡镇）", int(done_by.get(name, 0)), int(n))
        for name, n in sorted(totals.items())
    ]


class Figures:
    """The statistics page's queries, over one backend (a caseworker's township or all)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def weekly(self, township: str | None, weeks: int = 12) -> Weekly:
        """New cases per ISO week, by kind and by channel."""
        return weekly(self.backend, township, weeks)

    def stage_times(self, township: str | None) -> list[StageTime]:
        """Median time applications spent in each stage they have left (and 受理→决定)."""
        return stage_times(self.backend, township)

    def completion(self, quarter: str, township: str | None) -> list[Completion]:
        """Check-ins done out of the roster, by township."""
        return completion(self.backend, quarter, township)
