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
