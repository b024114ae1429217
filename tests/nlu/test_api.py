"""``POST /model/parse`` — the Rasa-format contract of design.md."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.nlu import build_router
from nlu.interpreter import NluInterpreter
from nlu.types import INTENTS


@pytest.fixture(scope="module")
def client(interpreter: NluInterpreter) -> TestClient:
    app = FastAPI()
    app.include_router(build_router(SimpleNamespace(interpreter=interpreter)))
    return TestClient(app)


def test_parse_answers_the_rasa_format(client: TestClient) -> None:
    text = "我家三口人，一個月收入一千二，能吃底保吗"
    response = client.post("/model/parse", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"text", "intent", "entities", "intent_ranking"}
    assert body["text"] == text
    assert body["intent"]["name"] == "self_screening"  # own facts + does it qualify (design.md)
    assert 0.0 <= body["intent"]["confidence"] <= 1.0
    ranking = body["intent_ranking"]
    assert ranking[0]["name"] == body["intent"]["name"]
    assert all(item["name"] in INTENTS for item in ranking)
    assert [r["confidence"] for r in ranking] == sorted(
        (r["confidence"] for r in ranking), reverse=True
    )
    entities = {e["entity"]: e for e in body["entities"]}
    assert entities["household_size"]["value"] == 3
    assert entities["monthly_income"]["value"] == 1200
    assert entities["program"]["value"] == "dibao"
    for entity in body["entities"]:
        assert set(entity) == {"entity", "value", "start", "end"}
        assert 0 <= entity["start"] < entity["end"] <= len(text)
    program = entities["program"]
    assert text[program["start"] : program["end"]].endswith("底保")


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe", 400),
        (b"", 422),
        (b"[]", 422),
        (b'{"message": "hi"}', 422),
        (b'{"text": 12}', 422),
        (b'{"text": null}', 422),
    ],
)
def test_bad_requests_are_4xx(client: TestClient, content: bytes, status: int) -> None:
    response = client.post(
        "/model/parse", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    assert response.json()["detail"]


def test_too_long_text_is_refused(client: TestClient) -> None:
    assert client.post("/model/parse", json={"text": "低" * 5001}).status_code == 422


def test_empty_text_is_out_of_scope(client: TestClient) -> None:
    body = client.post("/model/parse", json={"text": ""}).json()
    assert body["intent"]["name"] == "out_of_scope"
    assert body["entities"] == []


def test_the_app_serves_the_route(settings: object) -> None:
    from bot.app import create_app

    app = create_app(settings)  # type: ignore[arg-type]
    response = TestClient(app).post("/model/parse", json={"text": "转人工"})
    assert response.status_code == 200
    assert response.json()["intent"]["name"] == "human_handoff"
