"""The work queue: order, deadline marks, filters, live rows, region limits."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from backend.clock import local_day, utcnow
from backend.models import Case
from backend.service import Backend
from tests.console.conftest import OTHER_TOWNSHIP, application, urgent


def _order(html: str) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', html)


def _due(backend: Backend, case_no: str, days_from_today: int) -> None:
    with backend.db.session() as session:
        session.execute(
            update(Case)
            .where(Case.case_no == case_no)
            .values(due_date=local_day(utcnow()) + timedelta(days=days_from_today))
        )


def test_urgent_first_then_by_deadline_with_overdue_and_soon_marked(
    admin: SimpleNamespace, backend: Backend
) -> None:
    later = application(backend, id17="43090219900101001")
    overdue = application(backend, id17="43090219900101002")
    soon = application(backend, id17="43090219900101003")
    fire = urgent(backend)
    _due(backend, later, 20)
    _due(backend, overdue, -1)
    _due(backend, soon, 2)
    page = admin.client.get("/console/requests")
    assert _order(page.text) == [fire, overdue, soon, later]
    rows = dict(re.findall(r'<li class="case([^"]*)" data-case="([^"]+)"', page.text))
    marks = {case_no: classes for classes, case_no in rows.items()}
    assert "overdue" in marks[overdue]
    assert "soon" in marks[soon]
    assert "urgent" in marks[fire]
    assert "overdue" not in marks[later] and "soon" not in marks[later]
    assert "已超期" in page.text and "2天内到期" in page.text


def test_filters_by_status_kind_channel_and_township(
    admin: SimpleNamespace, backend: Backend
) -> None:
    a = application(backend, id17="43090219900101001")
    b = application(backend, id17="43090219900101002", township=OTHER_TOWNSHIP, channel="电话办")
    c = urgent(backend)
    backend.transition(a, "accepted", "", "test")
    get = admin.client.get
    assert _order(get("/console/requests", params={"status": "accepted"}).text) == [a]
    assert set(_order(get("/console/requests", params={"kind": "application"}).text)) == {a, b}
    assert _order(get("/console/requests", params={"channel": "电话办"}).text) == [b]
    assert _order(get("/console/requests", params={"township": OTHER_TOWNSHIP}).text) == [b]
    backend.transition(c, "closed", "已送去安置点", "test")
    assert c not in _order(get("/console/requests").text)  # open work only, by default
    assert c in _order(get("/console/requests", params={"status": "all"}).text)


def test_rows_fragment_shows_new_requests_for_the_live_refresh(
    admin: SimpleNamespace, backend: Backend
) -> None:
    page = admin.client.get("/console/requests")
    assert 'data-poll="/console/requests/rows"' in page.text
    assert _order(page.text) == []
    new = application(backend)
    rows = admin.client.get("/console/requests/rows", headers={"X-Requested-With": "fetch"})
    assert rows.status_code == 200
    assert _order(rows.text) == [new]
    assert "<html" not in rows.text
    filtered = admin.client.get("/console/requests?kind=urgent")
    assert 'data-poll="/console/requests/rows?kind=urgent"' in filtered.text


def test_caseworkers_see_only_their_township(caseworker: SimpleNamespace, backend: Backend) -> None:
    mine = application(backend, id17="43090219900101001")
    theirs = application(backend, id17="43090219900101002", township=OTHER_TOWNSHIP)
    client = caseworker.client
    assert _order(client.get("/console/requests").text) == [mine]
    assert _order(client.get("/console/requests", params={"township": OTHER_TOWNSHIP}).text) == [
        mine
    ]
    assert _order(client.get("/console/requests/rows").text) == [mine]
    assert theirs not in client.get("/console/requests/rows?status=all").text
    assert 'name="township"' not in client.get("/console/requests").text


def test_deadline_marks_and_their_words() -> None:
    from console.web import deadline_label, deadline_mark

    today = local_day(utcnow())
    day = timedelta(days=1)
    assert [deadline_mark(today + n * day) for n in (-1, 0, 1, 2, 3)] == [
        "overdue",
        "soon",
        "soon",
        "soon",
        "",
    ]
    assert [deadline_label(today + n * day) for n in (-1, 0, 1, 2, 3)] == [
        "已超期",
        "今天到期",
        "明天到期",
        "2天内到期",
        "",
    ]
    assert deadline_mark(None) == "" and deadline_label(None) == ""


def test_a_long_queue_says_it_is_cut(
    admin: SimpleNamespace, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("console.inbox.QUEUE_LIMIT", 2)
    for i in range(3):
        application(backend, id17=f"4309021990010100{i}")
    page = admin.client.get("/console/requests").text
    assert len(_order(page)) == 2
    assert "只显示最前面的 2 条" in page


def test_a_life_threatening_request_comes_before_every_other_urgent_one(
    admin: SimpleNamespace, backend: Backend
) -> None:
    fire = urgent(backend)
    later = application(backend, id17="43090219900101004")
    outcome = backend.create_case(
        "urgent",
        township="长春镇",
        priority="life",
        summary="我妈晕倒了叫不醒",
        chat_channel="rest",
        chat_sender="life-1",
    )
    assert outcome.case is not None
    life = outcome.case.case_no
    page = admin.client.get("/console/requests")
    assert _order(page.text) == [life, fire, later]
    rows = {
        no: classes
        for classes, no in re.findall(r'<li class="case([^"]*)" data-case="([^"]+)"', page.text)
    }
    assert "life" in rows[life] and "life" not in rows[fire]
    assert page.text.count("危及生命") == 1
    detail = admin.client.get(f"/console/cases/{life}")
    assert "危及生命" in detail.text
