"""Bodies and queries that used to crash a handler get a Chinese 4xx, never a 500."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base.settings import Settings
from bot.app import create_app

ADMIN = {"Authorization": "Bearer guard-admin-token-0123456789"}
JSON = {"content-type": "application/json"}
DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    directory: Path = tmp_path_factory.mktemp("guard")
    settings = Settings(
        database_url=f"sqlite:///{directory / 'guard.db'}",
        redis_url=None,
        admin_token=ADMIN["Authorization"].split()[1],
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


BAD_BODIES = [
    ("/webhooks/rest/webhook", DEEP),
    ("/webhooks/rest/webhook", '{"sender": "a", "message": ' + DEEP + "}"),
    ("/webhooks/rest/webhook", '{"sender": "\\ud800", "message": "你好"}'),
    ("/webhooks/rest/webhook", '{"sender": "a\\u0000b", "message": "你好"}'),
    ("/webhooks/rest/webhook", '{"sender": "a", "message": "hi", "metadata": {"n": NaN}}'),
    ("/model/parse", '{"text": ' + DEEP + "}"),
    ("/model/parse", '{"text": "\\ud800"}'),
    ("/api/screening", '{"region": ' + DEEP + "}"),
    (
        "/api/screening",
        '{"region": "hunan-yiyang-ziyang", "members": [{"age": 68}], "monthly_income": NaN}',
    ),
    (
        "/api/screening",
        '{"region": "hunan-yiyang-ziyang", "members": [{"age": 99999999999999999999}], "monthly_income": 1}',
    ),
]


@pytest.mark.parametrize(("path", "body"), BAD_BODIES)
def test_bad_json_is_refused_in_chinese(client: TestClient, path: str, body: str) -> None:
    answer = client.post(path, content=body.encode(), headers=JSON)
    assert 400 <= answer.status_code < 500, answer.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.json()["detail"])


@pytest.mark.parametrize(
    "query",
    [
        "/api/cases?offset=99999999999999999999",
        "/api/notifications?after=99999999999999999999",
        "/api/cases/99999999999999999999",
    ],
)
def test_huge_numbers_in_queries_are_refused(client: TestClient, query: str) -> None:
    answer = client.get(query, headers=ADMIN)
    assert answer.status_code == 422, answer.text


def test_a_compressed_body_is_refused_before_it_is_read(client: TestClient) -> None:
    bomb = zlib.compress(b"{" + b" " * 1_000_000 + b"}")
    answer = client.post(
        "/webhooks/rest/webhook",
        content=bomb,
        headers={**JSON, "content-encoding": "deflate"},
    )
    assert answer.status_code == 415


def test_a_good_message_still_passes(client: TestClient) -> None:
    answer = client.post(
        "/webhooks/rest/webhook", json={"sender": "guard-1", "message": "你好"}, headers=JSON
    )
    assert answer.status_code == 200
    assert answer.json()[0]["recipient_id"] == "guard-1"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/webhooks/rest/webhook", "/model/parse", "/api/screening"]),
    body=st.one_of(
        _json.map(lambda v: json.dumps(v, allow_nan=True)),
        st.fixed_dictionaries({"sender": _json, "message": _json}).map(json.dumps),
        st.text(max_size=60),
    ),
)
def test_property_no_body_makes_a_500(client: TestClient, path: str, body: str) -> None:
    answer = client.post(path, content=body.encode("utf-8", "surrogatepass"), headers=JSON)
    assert answer.status_code < 500, (path, body, answer.text)
