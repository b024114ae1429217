"""The HTTP routes of the policies package, through the real application."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from base.settings import Settings
from bot.app import create_app
from policies.catalog import PROGRAM_IDS


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'jiuzhu.db'}")
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def _household(**changes: Any) -> dict[str, Any]:
    household: dict[str, Any] = {
        "region": "hunan-yiyang-ziyang",
        "date": "2023-06-01",
        "residence": "urban",
        "members": [
            {"age": 68, "relation": "self"},
            {"age": 40, "relation": "child", "employment": "employed"},
            {"age": 10, "relation": "grandchild", "student": "compulsory"},
        ],
        "monthly_income": 1200,
        "assets": {"deposits": 5000, "vehicles": 0, "houses": 1},
    }
    household.update(changes)
    return household


def test_screening_answers_the_contract(client: TestClient) -> None:
    response = client.post("/api/screening", json=_household())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"region", "date", "facts", "programs"}
    assert body["region"] == "hunan-yiyang-ziyang"
    assert body["date"] == "2023-06-01"
    assert body["facts"]["per_capita_income"] == 400.0
    assert body["facts"]["dibao_standard"] == 650.0
    assert [program["program"] for program in body["programs"]] == list(PROGRAM_IDS)
    for program in body["programs"]:
        assert set(program) == {"program", "status", "monthly_amount", "reasons", "next_steps"}
        assert program["status"] in ("likely", "possible", "unlikely")
    dibao = body["programs"][0]
    assert dibao["status"] == "likely"
    assert dibao["monthly_amount"] == 750.0
    assert dibao["reasons"][0] == "家庭月人均收入400元，低于资阳区城市低保标准650元"
    assert body["programs"][PROGRAM_IDS.index("education")]["status"] == "likely"


def test_screening_limited_to_some_programs(client: TestClient) -> None:
    response = client.post("/api/screening?programs=dibao&programs=child", json=_household())
    assert response.status_code == 200
    assert [program["program"] for program in response.json()["programs"]] == ["dibao", "child"]


def test_screening_without_date_uses_today(client: TestClient) -> None:
    household = _household()
    del household["date"]
    response = client.post("/api/screening", json=household)
    assert response.status_code == 200
    assert response.json()["date"] >= "2023-01-01"


@pytest.mark.parametrize(
    ("changes", "query", "field", "words"),
    [
        ({"monthly_income": -100}, "", "monthly_income", "不小于0"),
        ({"members": []}, "", "members", "1到20人"),
        ({"members": [{"age": 121}]}, "", "members[0].age", "0到120岁"),
        (
            {"members": [{"age": 30}, {"age": -1, "relation": "child"}]},
            "",
            "members[1].age",
            "0到120岁",
        ),
        ({"region": "mars-base"}, "", "region", "不支持的地区"),
        ({}, "?programs=wubao", "programs", "没有这个救助项目"),
        ({"color": "red"}, "", "color", "不认识的字段"),
        ({"monthly_income": "很多"}, "", "monthly_income", "数字"),
        ({"date": "2020-01-01"}, "", "date", "之前没有该地区的标准"),
    ],
)
def test_screening_refuses_bad_households_in_chinese(
    client: TestClient, changes: dict[str, Any], query: str, field: str, words: str
) -> None:
    response = client.post(f"/api/screening{query}", json=_household(**changes))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "家庭信息有误"
    matching = [error for error in body["errors"] if error["field"] == field]
    assert matching, body
    assert words in matching[0]["message"]


@pytest.mark.parametrize(
    "raw", [b"{not json", b"[1, 2]", b"", "\u4e00".encode("gbk"), b"null", b'"text"']
)
def test_screening_refuses_bodies_that_are_not_a_household(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/api/screening", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_extreme_but_valid_households_never_fail(client: TestClient) -> None:
    members = [{"age": 0, "relation": "child"}] * 19 + [{"age": 120, "relation": "self"}]
    household = _household(
        members=members,
        monthly_income=1e10,
        monthly_rigid_expenses={"medical": 1e10, "education": 1e10},
        assets={"deposits": 1e10, "vehicles": 1000, "houses": 1000},
        hardship_event="other",
    )
    response = client.post("/api/screening", json=household)
    assert response.status_code == 200
    assert response.json()["facts"]["counted_income"] == 0


def test_policy_list(client: TestClient) -> None:
    response = client.get("/api/policies")
    assert response.status_code == 200
    body = response.json()
    assert [program["id"] for program in body] == list(PROGRAM_IDS)
    assert body[0]["short_name"] == "低保"


@pytest.mark.parametrize(("name", "program"), [("dibao", "dibao"), ("五保户", "tekun")])
def test_policy_detail_by_id_or_name(client: TestClient, name: str, program: str) -> None:
    response = client.get(f"/api/policies/{name}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == program
    assert body["steps"] and all(step["time_limit"] for step in body["steps"])
    used = {fact["source"] for fact in body["eligibility"]}
    assert used <= set(body["sources"])


def test_unknown_policy_is_404_in_chinese(client: TestClient) -> None:
    response = client.get("/api/policies/lottery")
    assert response.status_code == 404
    assert "没有这个救助项目" in response.json()["detail"]


def test_openapi_documents_the_household_in_chinese(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    screening = spec["paths"]["/api/screening"]["post"]
    assert "研判" in screening["summary"]
    schema = screening["requestBody"]["content"]["application/json"]["schema"]
    assert "members" in schema["properties"]
    assert "$ref" not in str(schema)
