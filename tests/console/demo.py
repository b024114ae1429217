"""A believable caseload for the browser tests and the screenshots of docs/console.md:
twelve weeks of requests on every channel, applications at every stage with the days
they took, a roster and this quarter's check-ins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from backend.clock import current_quarter, local_day, utcnow
from backend.schemas import Approval, CaseView, TransitionRequest
from backend.service import Backend
from tests.console.conftest import valid_id

NAMES = [
    "钱秀兰",
    "孙志强",
    "马玉梅",
    "周建华",
    "吴桂芳",
    "郑国庆",
    "王淑珍",
    "冯德明",
    "陈春花",
    "褚卫东",
    "卫红梅",
    "蒋大勇",
]
PLACES = [
    ("长春镇", "长春村"),
    ("长春镇", "二港村"),
    ("沙头镇", "沙头村"),
    ("新桥河镇", "紫薇村"),
    ("大码头街道", "金花坪社区"),
]
CHANNELS = ["网上办", "掌上办", "电话办", "口述办"]
# Days spent in each stage, per application (then the decision, if any).
PATHS = [
    [("accepted", 2), ("investigating", 3), ("reviewing", 9), ("publicizing", 4), ("approved", 8)],
    [("accepted", 1), ("investigating", 2), ("reviewing", 12), ("rejected", 3)],
    [("accepted", 4), ("investigating", 4), ("reviewing", 8)],
    [("accepted", 3), ("investigating", 6)],
    [("accepted", 1)],
    [],
]


def seed_demo(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> str:
    """Fill ``backend``; returns the case number of today's urgent request."""
    clock = SimpleNamespace(now=utcnow())
    monkeypatch.setattr("backend.cases.utcnow", lambda: clock.now)
    start = datetime.now(UTC).replace(hour=1, minute=30, second=0, microsecond=0)
    serial = 0
    for week in range(11, 0, -1):
        for slot in range(1 + (week * 7) % 4):
            serial += 1
            clock.now = start - timedelta(weeks=week, days=slot)
            township, village = PLACES[serial % len(PLACES)]
            name = NAMES[serial % len(NAMES)]
            if serial % 5 == 0:
                other = backend.create_case(
                    ["feedback", "handoff", "discovery_report"][serial % 3],
                    applicant={"name": name},
                    township=township,
                    village=village,
                    channel=CHANNELS[serial % 4],
                    summary="希望工作人员联系",
                )
                if week >= 2 and other.case is not None:  # older ones are dealt with
                    clock.now += timedelta(days=2)
                    backend.transition(other.case.case_no, "closed", "已电话回复", "staff:1 演示")
                continue
            made = backend.create_case(
                "application",
                programs=[["dibao"], ["tekun"], ["dibao", "medical"], ["temporary"]][serial % 4],
                applicant={
                    "name": name,
                    "id_number": valid_id(f"43090219{50 + serial:02d}0101{serial:03d}"),
                    "phone": f"139073{serial:05d}",
                },
                township=township,
                village=village,
                channel=CHANNELS[serial % 4],
                summary="家庭人均收入低于当地低保标准",
            )
            assert made.case is not None
            # Older applications have been decided; recent ones are at every stage.
            path = PATHS[serial % 2] if week >= 5 else PATHS[2 + serial % (len(PATHS) - 2)]
            for to, days in path:
                clock.now += timedelta(days=days)
                if clock.now > start:
                    break
                backend.transition(made.case.case_no, _step(made.case, to), actor="staff:1 演示")
    for days_ago, (name, (township, village)) in enumerate(zip(NAMES[8:], PLACES, strict=False)):
        clock.now = utcnow() - timedelta(days=days_ago, hours=2)
        backend.create_case(
            "application",
            programs=["dibao"],
            applicant={
                "name": name,
                "id_number": valid_id(f"43090220010101{days_ago:03d}"),
            },
            township=township,
            village=village,
            channel=CHANNELS[days_ago],
            summary="新提交的低保申请",
        )
    clock.now = utcnow()
    urgent = backend.create_case(
        "urgent",
        applicant={"name": "赵大爷", "phone": "13807370000"},
        township="长春镇",
        village="二港村",
        priority="urgent",
        summary="二港村赵大爷家里着火了，房子烧了一半，需要临时安置",
        chat_channel="rest",
        chat_sender="demo-urgent",
    )
    assert urgent.case is not None
    _roster(backend)
    return urgent.case.case_no


def _step(case: CaseView, to: str) -> TransitionRequest:
    """A demo step: a refusal with its reason, an approval with its details."""
    if to == "rejected":
        return TransitionRequest(to=to, reason="经审核不符合条件：家庭存款超过规定")
    if to == "approved":
        month = f"{local_day(case.created_at):%Y-%m}"
        details = Approval(programs=case.programs, monthly_amount=650, start_month=month)
        return TransitionRequest(to=to, approval=details)
    return TransitionRequest(to=to)


def _roster(backend: Backend) -> None:
    rows = ["姓名,身份证号,手机号,项目,乡镇街道,村社区"]
    for i in range(24):
        township, village = PLACES[i % 4]
        program = "特困" if i % 5 == 0 else "低保"
        person_id = valid_id(f"430902194{i % 10}0202{i:03d}")
        rows.append(
            f"{NAMES[i % 12]}{'甲乙'[i // 12]},{person_id},1380737{i:04d},{program},{township},{village}"
        )
    backend.import_recipients(("\n".join(rows) + "\n").encode(), "roster.csv")
    for i in range(0, 24, 3):
        person = backend.roster.by_id_number(valid_id(f"430902194{i % 10}0202{i:03d}"))
        assert person is not None
        backend.record_checkin(
            person, current_quarter(), changes=["家里有人外出务工"] if i == 6 else []
        )
    for i in range(1, 24, 2):
        person = backend.roster.by_id_number(valid_id(f"430902194{i % 10}0202{i:03d}"))
        assert person is not None
        backend.record_checkin(person, current_quarter())
