"""A hand-off case page: the conversation as it happens (a fragment the page polls) and a
reply box whose answer goes to the resident's chat; the region rule holds."""

from __future__ import annotations

from types import SimpleNamespace

from backend.service import Backend
from services.container import Services
from tests.console.conftest import OTHER_TOWNSHIP, TOWNSHIP


def _handoff(backend: Backend, township: str = TOWNSHIP) -> str:
    outcome = backend.create_case(
        "handoff",
        township=township,
        summary="居民要求转人工",
        chat_channel="rest",
        chat_sender="h-console",
    )
    assert outcome.case is not None
    return outcome.case.case_no


def test_the_conversation_shows_and_staff_answer_in_it(
    caseworker: SimpleNamespace, backend: Backend
) -> None:
    services = Services.around(backend)
    case_no = _handoff(backend)
    page = caseworker.client.get(f"/console/cases/{case_no}")
    assert "转人工对话" in page.text and "居民还没有留言" in page.text
    assert f'data-conversation="/console/cases/{case_no}/conversation"' in page.text

    services.handoffs.say(case_no, "我想问问低保，电话13812345678")
    rows = caseworker.client.get(f"/console/cases/{case_no}/conversation")
    assert rows.status_code == 200
    assert "我想问问低保" in rows.text and "13812345678" not in rows.text

    sent = caseworker.client.post(
        f"/console/cases/{case_no}/reply",
        data={"csrf": caseworker.csrf, "text": "您好，下午给您回电话。"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("#conversation")
    rows = caseworker.client.get(f"/console/cases/{case_no}/conversation").text
    assert rows.index("我想问问低保") < rows.index("下午给您回电话")
    assert "李经办" in rows
    assert any("下午给您回电话" in text for text in backend.take_inbox("rest", "h-console"))


def test_another_township_sees_no_conversation(
    caseworker: SimpleNamespace, backend: Backend
) -> None:
    case_no = _handoff(backend, township=OTHER_TOWNSHIP)
    rows = caseworker.client.get(f"/console/cases/{case_no}/conversation")
    assert rows.status_code in (403, 404)
    sent = caseworker.client.post(
        f"/console/cases/{case_no}/reply", data={"csrf": caseworker.csrf, "text": "你好"}
    )
    assert sent.status_code in (403, 404)
    assert backend.take_inbox("rest", "h-console") == []


def test_a_reply_without_csrf_is_refused(caseworker: SimpleNamespace, backend: Backend) -> None:
    case_no = _handoff(backend)
    sent = caseworker.client.post(f"/console/cases/{case_no}/reply", data={"text": "你好"})
    assert sent.status_code in (400, 403)
    assert backend.take_inbox("rest", "h-console") == []
