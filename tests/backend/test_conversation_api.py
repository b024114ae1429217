"""GET /api/cases/{case_no}/messages: the hand-off conversation, both ways, oldest first."""

from __future__ import annotations

from fastapi.testclient import TestClient

from backend.service import Backend
from services.container import Services
from tests.backend.conftest import ADMIN


def test_the_conversation_through_the_api(client: TestClient, backend: Backend) -> None:
    opened = Services.around(backend).chat_cases.handoff(
        chat_channel="rest", sender="api-1", summary="居民要求转人工"
    )
    case_no = opened.case.case_no
    Services.around(backend).handoffs.say(case_no, "想问问临时救助")
    answer = client.post(
        f"/api/cases/{case_no}/messages", json={"text": "可以的，请说说情况"}, headers=ADMIN
    )
    assert answer.status_code == 202
    lines = client.get(f"/api/cases/{case_no}/messages", headers=ADMIN).json()
    assert [(line["by"], line["text"]) for line in lines] == [
        ("resident", "想问问临时救助"),
        ("staff", "可以的，请说说情况"),
    ]
    assert client.get(f"/api/cases/{case_no}/messages").status_code == 401
    assert client.get("/api/cases/JZ20200101-9999/messages", headers=ADMIN).status_code == 404


def test_the_township_named_to_staff_lets_its_caseworker_answer(
    client: TestClient, backend: Backend
) -> None:
    """probeI W5 and H2 (06): "我是长春镇二港村的" in the conversation gives the case its
    township — the 长春镇 caseworker lists, reads and answers it (no 403) — and a message
    with words of despair stays in this conversation, the case marked danger to life."""
    from tests.backend.conftest import auth

    services = Services.around(backend)
    case_no = services.chat_cases.handoff(
        chat_channel="rest", sender="api-w5", summary="居民要求转人工"
    ).case.case_no
    _, token = backend.create_staff("李干事", "caseworker", "长春镇")
    mine = auth(token)
    assert client.get(f"/api/cases/{case_no}/messages", headers=mine).status_code == 403
    said = "我是长春镇二港村的 我屋老娘去年申请了低包 到现在冇得消息"
    services.handoffs.say(case_no, said)
    services.handoffs.set_place(case_no, said)
    listed = client.get("/api/cases", params={"kind": "handoff"}, headers=mine).json()
    assert [case["case_no"] for case in listed] == [case_no]
    answer = client.post(
        f"/api/cases/{case_no}/messages",
        json={"text": "您母亲现在每月有没有养老金？"},
        headers=mine,
    )
    assert answer.status_code == 202
    despair = "养老金一个月一百四十几块 我娘天天念叨不如死了算了"
    services.handoffs.say(case_no, despair)
    services.handoffs.flag_life(case_no, despair)
    lines = client.get(f"/api/cases/{case_no}/messages", headers=mine).json()
    assert [line["by"] for line in lines] == ["resident", "staff", "resident"]
    assert lines[-1]["text"] == despair
    assert client.get(f"/api/cases/{case_no}", headers=mine).json()["priority"] == "life"
