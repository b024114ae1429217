"""Phone numbers at rest (encrypted, hashed, masked), their audited reveal, key rotation
and the migration that encrypts the numbers already stored."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from backend import sms
from backend.db import alembic_config, make_engine, migrate_engine
from backend.keys import rotate_keys
from backend.pii import PersonalData
from backend.service import Backend
from base.settings import Settings
from tests.backend.conftest import ADMIN, PG_ADMIN_URL, SECRET, applicant, valid_id

PHONE = "13800138000"
ROSTER_PHONE = "13900000001"
ID = valid_id("43090219500101001")
ROSTER = (
    f"姓名,身份证号,手机号,项目,乡镇街道,村社区\n刘一,{ID},{ROSTER_PHONE},低保,新桥河镇,羊角村\n"
)


def dump(backend: Backend) -> str:
    """Every value of the residents and recipients tables, as one text."""
    with backend.db.session() as session:
        rows = [
            *session.execute(text("SELECT * FROM residents")).all(),
            *session.execute(text("SELECT * FROM recipients")).all(),
        ]
    return " ".join(str(value) for row in rows for value in row)


def open_case(backend: Backend, id_number: str = "430902199001011231") -> str:
    outcome = backend.create_case(
        "application",
        programs=["dibao"],
        applicant=applicant(id_number),
        chat_channel="rest",
        chat_sender="s-1",
        township="新桥河镇",
    )
    assert outcome.case is not None
    return outcome.case.case_no


def test_phones_are_stored_encrypted_and_shown_masked_unless_revealed(
    backend: Backend, client: TestClient
) -> None:
    case_no = open_case(backend)
    backend.import_recipients(ROSTER.encode(), "roster.csv")
    stored = dump(backend)
    assert PHONE not in stored and ROSTER_PHONE not in stored
    assert "138****8000" in stored and "139****0001" in stored

    plain = client.get(f"/api/cases/{case_no}", headers=ADMIN).json()
    assert plain["phone"] is None and plain["phone_masked"] == "138****8000"
    assert not [e for e in plain["events"] if e["action"] == "reveal_id"]
    shown = client.get(f"/api/cases/{case_no}", params={"reveal": "true"}, headers=ADMIN).json()
    assert shown["phone"] == PHONE
    [audit] = [e for e in shown["events"] if e["action"] == "reveal_id"]
    assert "手机号" in audit["note"]
    # readers that need the number decrypt it: the SMS sink's look-up, the roster's
    assert sms.phones_of_sender(backend, "rest", "s-1") == [PHONE]
    assert backend.roster.by_id_number(ID).phone_masked == "139****0001"  # type: ignore[union-attr]


def test_the_roster_compares_phones_by_hash_and_binds_only_with_the_right_one(
    backend: Backend,
) -> None:
    first = backend.import_recipients(ROSTER.encode(), "roster.csv")
    again = backend.import_recipients(ROSTER.encode(), "roster.csv")
    assert (first.imported, again.imported, again.updated) == (1, 0, 0)
    changed = ROSTER.replace(ROSTER_PHONE, "13900000009")
    assert backend.import_recipients(changed.encode(), "roster.csv").updated == 1
    assert backend.bind_recipient("rest", "r1", "刘一", ID, ROSTER_PHONE) is None
    assert backend.bind_recipient("rest", "r1", "刘一", ID, "13900000009") is not None


def test_a_rotated_key_keeps_old_rows_readable_and_rotate_reseals_them(
    backend: Backend,
) -> None:
    case_no = open_case(backend)
    backend.import_recipients(ROSTER.encode(), "roster.csv")
    staff, token = backend.create_staff("王五", "admin")
    sms.set_stopped(backend, PHONE, True)
    url = backend.settings.database_url

    both = Backend(Settings(database_url=url, secret_key="new-key-1", old_secret_keys=SECRET))
    try:
        # old rows decrypt, the old staff token and the opt-out still hold
        assert both.case_detail(case_no, reveal=True, actor="t").phone == PHONE
        assert both.staff.for_token(token) is not None
        assert sms.is_stopped(both, PHONE)
        done = rotate_keys(both)
        assert (done.residents, done.recipients, done.opt_outs) == (1, 1, 1)
    finally:
        both.close()

    new_only = Backend(Settings(database_url=url, secret_key="new-key-1"))
    try:
        detail = new_only.case_detail(case_no, reveal=True, actor="t")
        assert (detail.phone, detail.id_number) == (PHONE, "430902199001011231")
        assert new_only.roster.by_id_number(ID) is not None  # look-up hash re-keyed
        assert sms.is_stopped(new_only, PHONE)  # the opt-out re-keyed
        # the open claim was re-keyed too: the same application finds the open case
        again = new_only.create_case(
            "application",
            programs=["dibao"],
            applicant=applicant(),
            chat_channel="rest",
            chat_sender="s-1",
            township="新桥河镇",
        )
        assert not again.created and again.case is not None and again.case.case_no == case_no
        with new_only.db.session() as session:
            claims = list(session.execute(text("SELECT id_hash FROM open_claims")).scalars())
        assert claims == [new_only.pii.id_hash("430902199001011231")]
    finally:
        new_only.close()

    # and the old key alone no longer reads them
    old_only = PersonalData(SECRET)
    with backend.db.session() as session:
        resident = session.execute(
            text("SELECT phone_enc FROM residents WHERE phone_enc IS NOT NULL")
        ).scalar_one()
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidToken
        old_only.reveal_phone(resident)
    del staff


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"jiuzhu_fresh_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_migration_encrypts_the_phones_already_stored(fresh_url: str) -> None:
    pii = PersonalData(SECRET)
    engine = make_engine(fresh_url)
    try:
        migrate_engine(engine, "0010", pii=pii)
        sealed = pii.seal(ID)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO residents (name, phone, created_at) "
                    "VALUES ('甲', '13800138000', CURRENT_TIMESTAMP), "
                    "('乙', NULL, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO recipients (name, id_hash, id_enc, id_masked, phone, township,"
                    " village, created_at, updated_at) VALUES ('刘一', :h, :e, :m,"
                    " '13900000001', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"h": sealed.hash, "e": sealed.encrypted, "m": sealed.masked},
            )
        migrate_engine(engine, pii=pii)
        with engine.connect() as connection:
            residents = connection.execute(
                text("SELECT name, phone_enc, phone_hash, phone_masked FROM residents ORDER BY id")
            ).all()
            [recipient] = connection.execute(
                text("SELECT phone_enc, phone_hash, phone_masked FROM recipients")
            ).all()
            columns = [
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_name = 'residents'"
                    )
                    if engine.dialect.name == "postgresql"
                    else text("SELECT name FROM pragma_table_info('residents')")
                )
            ]
        assert "phone" not in columns
        (_, enc, digest, masked), (_, none_enc, none_hash, _) = residents
        assert pii.reveal_phone(enc) == PHONE and digest == pii.phone_hash(PHONE)
        assert masked == "138****8000" and none_enc is None and none_hash is None
        assert pii.reveal_phone(recipient[0]) == ROSTER_PHONE
        assert recipient[2] == "139****0001"
        # and back: the downgrade decrypts into the plain column again
        from alembic import command

        config = alembic_config(engine)
        config.attributes["pii"] = pii
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")
        with engine.connect() as connection:
            phones = connection.execute(text("SELECT phone FROM residents ORDER BY id")).scalars()
            assert list(phones) == [PHONE, None]
    finally:
        engine.dispose()


def test_keys_rotate_on_the_command_line(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    case_no = open_case(backend)
    monkeypatch.setenv("JIUZHU_DATABASE_URL", backend.settings.database_url)
    monkeypatch.setenv("JIUZHU_SECRET_KEY", "cli-new-key")
    monkeypatch.setenv("JIUZHU_OLD_SECRET_KEYS", SECRET)
    assert main(["keys", "rotate"]) == 0
    assert "申请人 1 人" in capsys.readouterr().out
    fresh = Backend(Settings(database_url=backend.settings.database_url, secret_key="cli-new-key"))
    try:
        assert fresh.case_detail(case_no, reveal=True, actor="t").phone == PHONE
    finally:
        fresh.close()
