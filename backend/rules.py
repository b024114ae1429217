"""Workflow, deadlines, working-day calendar and notification texts, read from ``rules.yml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Template

from base.datafiles import load_yaml
from base.texts import compile_text, render

RULES_FILE = Path(__file__).with_name("rules.yml")

# Priorities looked at the same day: "life" (danger to life) and "urgent".
URGENT_PRIORITIES = ("life", "urgent")


@dataclass(frozen=True)
class Deadline:
    days: int
    unit: str  # "working" | "calendar"
    start: str  # "stage" | "accepted"
    extended_days: int | None = None


@dataclass(frozen=True)
class Workflow:
    initial: str
    transitions: dict[str, tuple[str, ...]]
    terminal: frozenset[str]

    def allowed(self, status: str) -> tuple[str, ...]:
        return self.transitions.get(status, ())

    @property
    def statuses(self) -> frozenset[str]:
        found = set(self.transitions) | set(self.terminal)
        for targets in self.transitions.values():
            found.update(targets)
        return frozenset(found)


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date]
    workdays: frozenset[date]
    published_years: frozenset[int] = frozenset()

    def missing_years(self, today: date) -> list[int]:
        """This year and the coming one, where their holidays are not entered yet."""
        return [y for y in (today.year, today.year + 1) if y not in self.published_years]

    def warning(self, today: date) -> str | None:
        """A start-up warning when deadlines would silently skip only weekends."""
        missing = self.missing_years(today)
        if not missing:
            return None
        years = "、".join(f"{y}年" for y in missing)
        return (
            f"节假日安排缺少{years}：办理时限只会跳过周末。"
            "国务院办公厅公布后，请补到 backend/rules.yml 的 calendar 里。"
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start``; 0 means ``start`` itself (or the next
        working day when ``start`` is a rest day)."""
        day = start
        while not self.is_working_day(day):
            day += timedelta(days=1)
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day


@dataclass(frozen=True)
class ReasonRule:
    """A transition that needs a written reason, and the notification telling it."""

    notification: str
    label: str


@dataclass(frozen=True)
class Review:
    """How a refused applicant asks for a review (复核) or complains."""

    days: int = 60
    authority: str = "县级人民政府民政部门"
    hotline: str = "12345"


@dataclass(frozen=True)
class Publicity:
    """公示: ``days`` long; the day it starts counts only when ``start_day_counts``."""

    days: int = 7
    start_day_counts: bool = False

    def last_day(self, started: date) -> date:
        first = started if self.start_day_counts else started + timedelta(days=1)
        return first + timedelta(days=self.days - 1)

    def approvable_from(self, started: date) -> date:
        """The first day a decision may be made: the day after the last day of 公示."""
        return self.last_day(started) + timedelta(days=1)


@dataclass(frozen=True)
class ApprovalRule:
    max_monthly_amount: float = 50000
    start_months_ahead: int = 3


@dataclass(frozen=True)
class Rules:
    application_kind: str
    kinds: dict[str, str]
    channels: tuple[str, ...]
    priorities: tuple[str, ...]
    workflows: dict[str, Workflow]
    labels: dict[str, str]
    next_steps: dict[str, str]
    deadlines: dict[str, dict[str, Deadline]]
    calendar: Calendar
    notifications: dict[str, str] = field(default_factory=dict)
    reasons: dict[tuple[str, str], ReasonRule] = field(default_factory=dict)
    review: Review = field(default_factory=Review)
    publicity: Publicity = field(default_factory=Publicity)
    approval: ApprovalRule = field(default_factory=ApprovalRule)
    _compiled: dict[str, Template] = field(default_factory=dict, compare=False, repr=False)

    def workflow(self, kind: str) -> Workflow:
        """The kind's own workflow (application, review …), else the one of other kinds."""
        if kind in self.workflows:
            return self.workflows[kind]
        key = "application" if kind == self.application_kind else "other"
        return self.workflows[key]

    def is_terminal(self, kind: str, status: str) -> bool:
        return status in self.workflow(kind).terminal

    def reason_rule(self, before: str, to: str) -> ReasonRule | None:
        """The reason a move ``before`` → ``to`` needs (refusals, objections), if any."""
        return self.reasons.get((before, to))

    def deadline_rule(self, kind: str, status: str, priority: str) -> Deadline | None:
        if priority in URGENT_PRIORITIES and status in self.deadlines.get("urgent_priority", {}):
            return self.deadlines["urgent_priority"][status]
        if kind in self.deadlines:
            return self.deadlines[kind].get(status)
        if kind != self.application_kind:
            return self.deadlines.get("other", {}).get(status)
        return None

    def due_date(
        self,
        kind: str,
        status: str,
        priority: str,
        *,
        stage_day: date,
        accepted_day: date | None,
        extended: bool = False,
    ) -> date | None:
        rule = self.deadline_rule(kind, status, priority)
        if rule is None:
            return None
        start = accepted_day if rule.start == "accepted" and accepted_day else stage_day
        days = rule.extended_days if extended and rule.extended_days else rule.days
        if rule.unit == "calendar":
            return start + timedelta(days=days)
        return self.calendar.add_working_days(start, days)

    def text(self, template: str, /, **values: Any) -> str:
        compiled = self._compiled.get(template)
        if compiled is None:
            compiled = self._compiled[template] = compile_text(self.notifications[template])
        return render(compiled, **values)


def _days(items: list[Any]) -> frozenset[date]:
    found: set[date] = set()
    for item in items:
        if isinstance(item, list):
            first, last = item
            day = first
            while day <= last:
                found.add(day)
                day += timedelta(days=1)
        else:
            found.add(item)
    return frozenset(found)


def parse_rules(data: dict[str, Any]) -> Rules:
    workflows = {
        name: Workflow(
            initial=spec["initial"],
            transitions={k: tuple(v) for k, v in spec["transitions"].items()},
            terminal=frozenset(spec["terminal"]),
        )
        for name, spec in data["workflows"].items()
    }
    deadlines = {
        group: {
            status: Deadline(
                days=int(rule["days"]),
                unit=rule.get("unit", "working"),
                start=rule.get("from", "stage"),
                extended_days=rule.get("extended_days"),
            )
            for status, rule in rules.items()
        }
        for group, rules in data["deadlines"].items()
    }
    return Rules(
        application_kind=data["application_kind"],
        kinds=dict(data["kinds"]),
        channels=tuple(data["channels"]),
        priorities=tuple(data["priorities"]),
        workflows=workflows,
        labels={k: v["label"] for k, v in data["statuses"].items()},
        next_steps={k: v["next_step"] for k, v in data["statuses"].items()},
        deadlines=deadlines,
        calendar=Calendar(
            holidays=_days(data["calendar"]["holidays"]),
            workdays=_days(data["calendar"]["workdays"]),
            published_years=frozenset(int(y) for y in data["calendar"].get("published_years", ())),
        ),
        notifications=dict(data["notifications"]),
        reasons={
            _move(key): ReasonRule(notification=rule["notification"], label=rule["label"])
            for key, rule in (data.get("reasons") or {}).items()
        },
        review=Review(**(data.get("review") or {})),
        publicity=Publicity(**(data.get("publicity") or {})),
        approval=ApprovalRule(**(data.get("approval") or {})),
    )


def _move(key: str) -> tuple[str, str]:
    before, _, to = key.partition(">")
    if not before or not to:
        raise ValueError(f"reasons: {key!r} should read <from>><to>")
    return before.strip(), to.strip()


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    return parse_rules(load_yaml(path or RULES_FILE))
