"""Staff HTTP API: authentication, roles, regions, transitions, reveal, messages, feed, stats."""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import build_router
from backend.models import OutboxMessage, Staff
from backend.service import Backend
from base.settings import Settings
from tests.backend.conftest import ADMIN, applicant, auth, valid_id


def open_case(backend: Backend, township: str, id_number: str) -> str:
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant=applicant(id_number),
        channel="网上办",
        chat_channel="rest",
        chat_sender=f"s-{id_number[-4:]}",
        township=township,
        village="一村",
    )
    assert outcome.case is not None
    return outcome.case.case_no


def caseworker(client: TestClient, region: str, name: str = "王五") -> dict[str, str]:
    answer = client.post(
        "/api/staff", json={"name": name, "role": "caseworker", "region": region}, headers=ADMIN
    )
    assert answer.status_code == 201, answer.text
    return auth(answer.json()["token"])


def test_missing_or_wrong_tokens_get_401_in_chinese(client: TestClient) -> None:
    answer = client.get("/api/cases")
    assert answer.status_code == 401
    assert "Authorization: Bearer" in answer.json()["detail"]
    assert answer.headers["www-authenticate"] == "Bearer"
    wrong = client.get("/api/cases", headers=auth("jz_not-a-token"))
    assert wrong.status_code == 401 and "令牌无效" in wrong.json()["detail"]


def test_wrong_tokens_are_limited_per_address_across_processes(
    client: TestClient, backend_settings: Settings
) -> None:
    """Ten wrong tokens in 15 minutes from one address, split over two servers on one
    database, refuse that address (even with a right token) with a Chinese 429."""
    other_backend = Backend(backend_settings)
    other_app = FastAPI()
    other_app.include_router(build_router(SimpleNamespace(backend=other_backend)))
    try:
        with TestClient(other_app) as other:
            for n in range(10):
                answer = (client if n % 2 else other).get("/api/cases", headers=auth(f"jz_x{n}"))
                assert answer.status_code == 401, n
            assert client.get("/api/cases", headers=ADMIN).status_code == 429
            refused = other.get("/api/cases", headers=ADMIN)
            assert refused.status_code == 429
            assert "次数过多" in refused.json()["detail"]
    finally:
        other_backend.close()


def test_nine_wrong_tokens_leave_the_right_one_working(client: TestClient) -> None:
    for n in range(9):
        assert client.get("/api/cases", headers=auth(f"jz_y{n}")).status_code == 401
    assert client.get("/api/cases", headers=ADMIN).status_code == 200


def test_admin_creates_staff_and_the_token_is_stored_only_as_a_hash(
    client: TestClient, backend: Backend
) -> None:
    answer = client.post(
        "/api/staff",
        json={"name": "李四", "role": "caseworker", "region": "新桥河镇"},
        headers=ADMIN,
    )
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"id", "name", "role", "region", "active", "token"}
    token = body["token"]
    with backend.db.session() as session:
        row = session.execute(select(Staff)).scalar_one()
    assert token not in row.model_dump_json()
    assert row.token_hash == backend.pii.token_hash(token)
    me = client.get("/api/staff/me", headers=auth(token)).json()
    assert me == {
        "id": body["id"],
        "name": "李四",
        "role": "caseworker",
        "region": "新桥河镇",
        "active": True,
    }
    forbidden = client.post(
        "/api/staff", json={"name": "x", "role": "admin", "region": ""}, headers=auth(token)
    )
    assert forbidden.status_code == 403 and "仅限管理员" in forbidden.json()["detail"]
    bad_role = client.post(
        "/api/staff", json={"name": "x", "role": "boss", "region": ""}, headers=ADMIN
    )
    assert bad_role.status_code == 422


def test_caseworkers_see_only_their_region(client: TestClient, backend: Backend) -> None:
    mine = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    theirs = open_case(backend, "长春镇", valid_id("43090219900101002"))
    worker = caseworker(client, "新桥河镇")
    listed = [c["case_no"] for c in client.get("/api/cases", headers=worker).json()]
    assert listed == [mine]
    assert {c["case_no"] for c in client.get("/api/cases", headers=ADMIN).json()} == {mine, theirs}
    assert client.get(f"/api/cases/{mine}", headers=worker).status_code == 200
    denied = client.get(f"/api/cases/{theirs}", headers=worker)
    assert denied.status_code == 403 and "辖区" in denied.json()["detail"]
    move = client.post(f"/api/cases/{theirs}/transitions", json={"to": "accepted"}, headers=worker)
    assert move.status_code == 403
    message = client.post(f"/api/cases/{theirs}/messages", json={"text": "你好"}, headers=worker)
    assert message.status_code == 403
    assert backend.find_case(theirs).status == "submitted"
    feed = client.get("/api/notifications", headers=worker).json()
    assert [n["case_no"] for n in feed] == [mine]
    assert client.get("/api/stats", headers=worker).json()["by_status"] == {"submitted": 1}


def test_list_filters_status_kind_since(client: TestClient, backend: Backend) -> None:
    first = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    open_case(backend, "新桥河镇", valid_id("43090219900101002"))
    backend.create_case("urgent", channel="掌上办", priority="urgent", township="新桥河镇")
    backend.transition(first, "accepted", "", "staff:1")

    def numbers(**params: str) -> list[str]:
        answer = client.get("/api/cases", params=params, headers=ADMIN)
        assert answer.status_code == 200, answer.text
        return [c["case_no"] for c in answer.json()]

    assert numbers(status="accepted") == [first]
    assert len(numbers(kind="application")) == 2
    assert len(numbers(kind="urgent")) == 1
    assert len(numbers(since="2000-01-01T00:00:00Z")) == 3
    assert numbers(since="2999-01-01T00:00:00Z") == []
    assert len(numbers(since="2000-01-01")) == 3  # a date, or a time without zone: China time
    assert numbers(since="2999-01-01T08:00:00") == []
    assert client.get("/api/cases", params={"since": "昨天"}, headers=ADMIN).status_code == 422


def test_transitions_over_http(client: TestClient, backend: Backend) -> None:
    no = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    worker = caseworker(client, "新桥河镇", name="赵六")
    wrong = client.post(f"/api/cases/{no}/transitions", json={"to": "approved"}, headers=worker)
    assert wrong.status_code == 409 and "不能转为 approved" in wrong.json()["detail"]
    ok = client.post(
        f"/api/cases/{no}/transitions", json={"to": "accepted", "note": "材料齐全"}, headers=worker
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert ok.json()["deadline"]
    detail = client.get(f"/api/cases/{no}", headers=worker).json()
    last = detail["events"][-1]
    assert (last["from_status"], last["to_status"], last["note"]) == (
        "submitted",
        "accepted",
        "材料齐全",
    )
    assert "赵六" in last["actor"]
    missing = client.post(
        "/api/cases/JZ20000101-0001/transitions", json={"to": "accepted"}, headers=ADMIN
    )
    assert missing.status_code == 404 and "没有找到" in missing.json()["detail"]


def test_reveal_shows_the_whole_id_and_is_audited(client: TestClient, backend: Backend) -> None:
    id_number = valid_id("43090219900101001")
    no = open_case(backend, "新桥河镇", id_number)
    worker = caseworker(client, "新桥河镇", name="钱七")
    plain = client.get(f"/api/cases/{no}", headers=worker).json()
    assert (
        plain["id_number"] is None
        and plain["id_masked"] == id_number[:4] + "*" * 10 + id_number[-4:]
    )
    assert id_number not in client.get("/api/cases", headers=worker).text
    shown = client.get(f"/api/cases/{no}", params={"reveal": "true"}, headers=worker).json()
    assert shown["id_number"] == id_number
    audit = [e for e in shown["events"] if e["action"] == "reveal_id"]
    assert len(audit) == 1 and "钱七" in audit[0]["actor"]


def test_staff_message_to_resident(client: TestClient, backend: Backend) -> None:
    no = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    answer = client.post(
        f"/api/cases/{no}/messages", json={"text": "请周一来镇政府"}, headers=ADMIN
    )
    assert answer.status_code == 202
    key = answer.json()["key"]
    with backend.db.session() as session:
        row = session.execute(select(OutboxMessage).where(OutboxMessage.key == key)).scalar_one()
    assert row.sink == "resident:inbox" and "请周一来镇政府" in row.payload["text"]
    empty = client.post(f"/api/cases/{no}/messages", json={"text": ""}, headers=ADMIN)
    assert empty.status_code == 422


def test_notifications_feed_pages_with_after(client: TestClient, backend: Backend) -> None:
    a = open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    b = open_case(backend, "新桥河镇", valid_id("43090219900101002"))
    feed = client.get("/api/notifications", headers=ADMIN).json()
    assert [n["case_no"] for n in feed] == [a, b]
    assert all("*" * 10 in n["text"] for n in feed)
    later = client.get("/api/notifications", params={"after": feed[0]["id"]}, headers=ADMIN).json()
    assert [n["case_no"] for n in later] == [b]


def test_stats_over_http(client: TestClient, backend: Backend) -> None:
    open_case(backend, "新桥河镇", valid_id("43090219900101001"))
    backend.create_case("handoff", channel="电话办", township="长春镇")
    stats = client.get("/api/stats", headers=ADMIN).json()
    assert stats["by_kind"] == {"application": 1, "handoff": 1}
    assert stats["by_channel"] == {"电话办": 1, "网上办": 1}
    assert sum(stats["by_week"].values()) == 2


def test_staff_chat_binding(backend: Backend) -> None:
    staff, token = backend.create_staff("孙八", "caseworker", "新桥河镇")
    assert backend.staff_for_chat("telegram", "1001") is None
    assert backend.bind_staff_chat("jz_wrong", "telegram", "1001") is None
    bound = backend.bind_staff_chat(token, "telegram", "1001")
    assert bound is not None and bound.id == staff.id
    assert backend.staff_for_chat("telegram", "1001") == staff
    assert backend.staff_for_chat("rest", "1001") is None
    # the environment admin token is not a person and cannot be bound
    assert backend.staff_for_token(backend.settings.admin_token).role == "admin"
    assert backend.bind_staff_chat(backend.settings.admin_token or "", "telegram", "1002") is None
