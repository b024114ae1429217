"""SMS: the providers against their local doubles (signatures checked there), one SMS per
key whatever retries, stopped numbers (回复 TD, the chat command), the log default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend import sms
from base.settings import Settings
from channels.sms.inbound import build_router as inbound_router
from channels.sms.providers import (
    AliyunProvider,
    LogProvider,
    SmsUnavailable,
    TencentProvider,
    make_provider,
)
from channels.sms.sender import SmsSender
from services.container import Services
from tests.sms.fake_sms_api import KEY_ID, KEY_SECRET, TENCENT_APP_ID, FakeSmsAPI

PHONE = "13807371234"
REMINDER = {"name": "张三", "quarter": "2026年第4", "deadline": "12月31日"}


@pytest.fixture
def sms_api() -> Iterator[FakeSmsAPI]:
    server = FakeSmsAPI()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _settings(tmp_path: Path, provider: str, base: str, **extra: str) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'sms.db'}",
        secret_key="sms-test-secret",
        sms_provider=provider,
        sms_api_base=base,
        sms_key_id=KEY_ID,
        sms_key_secret=KEY_SECRET,
        sms_sign_name="资阳区民政局",
        sms_app_id=TENCENT_APP_ID,
        sms_template_reminder="SMS_465000001" if provider == "aliyun" else "2100001",
        sms_template_status="SMS_465000002" if provider == "aliyun" else "2100002",
        **extra,
    )


@pytest.fixture(params=["aliyun", "tencent"])
def provider_settings(
    request: pytest.FixtureRequest, tmp_path: Path, sms_api: FakeSmsAPI
) -> Settings:
    return _settings(tmp_path, request.param, sms_api.base_url)


@pytest.fixture
def services(provider_settings: Settings) -> Iterator[Services]:
    container = Services(provider_settings)
    yield container
    container.close()


async def test_a_reminder_goes_out_once_whatever_retries(
    services: Services, sms_api: FakeSmsAPI
) -> None:
    sender = SmsSender(services, make_provider(services.settings))
    key = "reminder:2026Q4:end:17"
    assert await sender.send(key, PHONE, "reminder", REMINDER) == "sent"
    assert await sender.send(key, PHONE, "reminder", REMINDER) == "duplicate"
    again = SmsSender(services, make_provider(services.settings))  # another process
    assert await again.send(key, "+86 138-0737-1234", "reminder", REMINDER) == "duplicate"
    [sent] = sms_api.sent
    assert sms_api.refused == []
    assert sent.phone == PHONE and sent.out_id == key
    if sent.provider == "aliyun":
        assert sent.template == "SMS_465000001" and sent.params == REMINDER
    else:  # Tencent's parameters are positional, in the order of templates.yml
        assert sent.template == "2100001" and sent.params == ["张三", "2026年第4", "12月31日"]
    [row] = sms.messages(services.backend)
    assert row.status == "sent" and row.phone_masked == "138****1234"
    assert PHONE not in str(row.model_dump())


async def test_a_passing_failure_is_tried_again_a_rejection_is_not(
    services: Services, sms_api: FakeSmsAPI
) -> None:
    sender = SmsSender(services, make_provider(services.settings))
    passing = (
        "isv.BUSINESS_LIMIT_CONTROL"
        if services.settings.sms_provider == "aliyun"
        else "LimitExceeded.PhoneNumberDailyLimit"
    )
    sms_api.fail_with = passing
    with pytest.raises(SmsUnavailable):
        await sender.send(
            "status:JZ20261202-0001:accepted",
            PHONE,
            "status",
            {"case_no": "JZ20261202-0001", "stage": "已受理"},
        )
    assert (
        await sender.send(
            "status:JZ20261202-0001:accepted",
            PHONE,
            "status",
            {"case_no": "JZ20261202-0001", "stage": "已受理"},
        )
        == "sent"
    )
    rejected = (
        "isv.MOBILE_NUMBER_ILLEGAL"
        if services.settings.sms_provider == "aliyun"
        else "InvalidParameterValue.IncorrectPhoneNumber"
    )
    sms_api.fail_with = rejected
    assert (
        await sender.send("status:x:2", "13900000000", "status", {"case_no": "x", "stage": "y"})
        == "failed"
    )
    assert (
        await sender.send("status:x:2", "13900000000", "status", {"case_no": "x", "stage": "y"})
        == "duplicate"
    )
    assert [s.phone for s in sms_api.sent] == [PHONE]


async def test_a_wrong_key_is_refused_by_the_provider(tmp_path: Path, sms_api: FakeSmsAPI) -> None:
    for kind in (AliyunProvider, TencentProvider):
        settings = _settings(tmp_path, kind.name, sms_api.base_url).model_copy(
            update={"sms_key_secret": "not-the-secret"}
        )
        with pytest.raises(Exception, match=r"(?i)signature"):
            await kind(settings).send(PHONE, "T1", REMINDER, list(REMINDER), "k1")
    assert sms_api.sent == [] and len(sms_api.refused) == 2


async def test_a_number_that_replied_td_gets_nothing(
    services: Services, sms_api: FakeSmsAPI
) -> None:
    app = FastAPI()
    app.include_router(inbound_router(services))
    settings = services.settings
    services.settings = settings.model_copy(update={"sms_inbound_token": "inbound-secret"})
    with TestClient(app) as client:
        provider = settings.sms_provider
        body = (
            [{"phone_number": PHONE, "content": "TD", "send_time": "2026-12-02 10:00:00"}]
            if provider == "aliyun"
            else {"mobile": PHONE, "nationcode": "86", "text": "退订", "time": 1764640800}
        )
        assert client.post(f"/webhooks/sms/{provider}", json=body).status_code == 403
        answer = client.post(f"/webhooks/sms/{provider}?token=inbound-secret", json=body)
        assert answer.status_code == 200
    sender = SmsSender(services, make_provider(settings))
    assert await sender.send("reminder:2026Q4:start:1", PHONE, "reminder", REMINDER) == "stopped"
    assert sms_api.sent == []
    sms.set_stopped(services.backend, PHONE, False)  # 恢复
    assert await sender.send("reminder:2026Q4:end:1", PHONE, "reminder", REMINDER) == "sent"


async def test_the_log_provider_is_the_default(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'log.db'}")
    provider = make_provider(settings)
    assert isinstance(provider, LogProvider)
    services = Services(settings)
    try:
        with caplog.at_level("INFO"):
            assert (
                await SmsSender(services, provider).send("k", PHONE, "reminder", REMINDER) == "sent"
            )
        assert "138****1234" in caplog.text and PHONE not in caplog.text
    finally:
        services.close()
