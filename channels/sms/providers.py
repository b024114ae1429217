"""SMS providers behind one small interface, with a log provider by default.

The Alibaba Cloud and Tencent Cloud adapters speak the providers' documented HTTP APIs
with httpx (already a dependency) instead of their SDKs: one call each (SendSms), and
the SDKs bring their own HTTP stacks and a dozen packages (alibabacloud's Tea/Darabonba
runtime; tencentcloud-sdk-python's requests-based common package) for it. The request
signatures are the documented ones: Alibaba Cloud's RPC signature (HMAC-SHA1,
SignatureVersion 1.0) and Tencent Cloud's TC3-HMAC-SHA256. ``SMS_API_BASE`` points
either at a test double.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from base.settings import Settings

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider did not send the message."""


class SmsRejected(SmsError):
    """It never will (a bad number, a template not approved): do not try again."""


class SmsUnavailable(SmsError):
    """Not now (the network, a rate limit): the outbox tries again later."""


class SmsProvider(ABC):
    name = "abstract"

    @abstractmethod
    async def send(
        self, phone: str, template: str, params: dict[str, str], order: Sequence[str], out_id: str
    ) -> str:
        """Send the approved ``template`` with ``params`` to ``phone`` (11 digits); returns
        the provider's message id. ``order`` lists the parameter names for providers whose
        templates take positional parameters; ``out_id`` is our idempotency key."""


class LogProvider(SmsProvider):
    """No SMS leaves the machine: the message is written to the log (masked number)."""

    name = "log"

    async def send(
        self, phone: str, template: str, params: dict[str, str], order: Sequence[str], out_id: str
    ) -> str:
        log.info("SMS (log provider) to %s****%s: %s %s", phone[:3], phone[-4:], template, params)
        return f"log-{out_id}"


def _percent(value: str) -> str:
    return quote(value, safe="~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    """Alibaba Cloud's RPC signature: HMAC-SHA1 over the sorted, percent-encoded query."""
    canonical = "&".join(f"{_percent(k)}={_percent(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_percent('/')}&{_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunProvider(SmsProvider):
    name = "aliyun"
    ENDPOINT = "https://dysmsapi.aliyuncs.com"
    PASSING = frozenset(
        {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "SignatureNonceUsed"}
    )

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        if not (settings.sms_key_id and settings.sms_key_secret and settings.sms_sign_name):
            raise ValueError("Aliyun SMS needs JIUZHU_SMS_KEY_ID, _KEY_SECRET and _SIGN_NAME")
        self.key_id, self.secret = settings.sms_key_id, settings.sms_key_secret
        self.sign_name = settings.sms_sign_name
        self.endpoint = (settings.sms_api_base or self.ENDPOINT).rstrip("/") + "/"
        self.client = client

    async def send(
        self, phone: str, template: str, params: dict[str, str], order: Sequence[str], out_id: str
    ) -> str:
        query = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": out_id[:64],
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16),
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        query["Signature"] = aliyun_signature(query, self.secret)
        answer = await _call(self.client, "GET", self.endpoint, params=query)
        code = str(answer.get("Code", ""))
        if code == "OK":
            return str(answer.get("BizId", ""))
        error = f"{code}: {answer.get('Message', '')}"
        raise (SmsUnavailable if code in self.PASSING else SmsRejected)(error)


def tencent_authorization(
    secret_id: str, secret_key: str, host: str, payload: bytes, timestamp: int
) -> str:
    """Tencent Cloud's TC3-HMAC-SHA256 ``Authorization`` header for a JSON POST to /."""
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:application/json; charset=utf-8\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload).hexdigest(),
        ]
    )
    scope = f"{day}/sms/tc3_request"
    to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )

    def mac(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    signing = mac(mac(mac(f"TC3{secret_key}".encode(), day), "sms"), "tc3_request")
    signature = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


class TencentProvider(SmsProvider):
    name = "tencent"
    ENDPOINT = "https://sms.tencentcloudapi.com"
    PASSING_PREFIXES = ("LimitExceeded", "InternalError", "RequestLimitExceeded")

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        if not (
            settings.sms_key_id
            and settings.sms_key_secret
            and settings.sms_sign_name
            and settings.sms_app_id
        ):
            raise ValueError(
                "Tencent SMS needs JIUZHU_SMS_KEY_ID, _KEY_SECRET, _SIGN_NAME and _APP_ID"
            )
        self.secret_id, self.secret_key = settings.sms_key_id, settings.sms_key_secret
        self.sign_name, self.app_id = settings.sms_sign_name, settings.sms_app_id
        self.region = settings.sms_region
        self.endpoint = (settings.sms_api_base or self.ENDPOINT).rstrip("/") + "/"
        self.client = client

    async def send(
        self, phone: str, template: str, params: dict[str, str], order: Sequence[str], out_id: str
    ) -> str:
        body = {
            "PhoneNumberSet": [f"+86{phone}"],
            "SmsSdkAppId": self.app_id,
            "SignName": self.sign_name,
            "TemplateId": template,
            "TemplateParamSet": [str(params.get(name, "")) for name in order],
            "SessionContext": out_id[:512],
        }
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        host = urlsplit(self.endpoint).netloc
        timestamp = int(time.time())
        headers = {
            "Authorization": tencent_authorization(
                self.secret_id, self.secret_key, host, payload, timestamp
            ),
            "Content-Type": "application/json; charset=utf-8",
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self.region,
        }
        answer = await _call(self.client, "POST", self.endpoint, content=payload, headers=headers)
        response = answer.get("Response", {})
        if "Error" in response:
            code = str(response["Error"].get("Code", ""))
            error = f"{code}: {response['Error'].get('Message', '')}"
            passing = code.startswith(self.PASSING_PREFIXES)
            raise (SmsUnavailable if passing else SmsRejected)(error)
        [status] = response.get("SendStatusSet", [{}])[:1] or [{}]
        if status.get("Code") == "Ok":
            return str(status.get("SerialNo", ""))
        code = str(status.get("Code", ""))
        error = f"{code}: {status.get('Message', '')}"
        raise (SmsUnavailable if code.startswith(self.PASSING_PREFIXES) else SmsRejected)(error)


async def _call(client: httpx.AsyncClient | None, method: str, url: str, **kwargs: Any) -> Any:
    try:
        if client is not None:
            response = await client.request(method, url, **kwargs)
        else:
            async with httpx.AsyncClient(timeout=10) as own:
                response = await own.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise SmsUnavailable(f"network: {exc}") from exc
    if response.status_code >= 500:
        raise SmsUnavailable(f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise SmsUnavailable(f"not JSON (HTTP {response.status_code})") from exc


def make_provider(settings: Settings) -> SmsProvider:
    kinds: dict[str, type[SmsProvider]] = {
        "log": LogProvider,
        "aliyun": AliyunProvider,
        "tencent": TencentProvider,
    }
    kind = kinds.get(settings.sms_provider)
    if kind is None:
        raise ValueError(f"JIUZHU_SMS_PROVIDER={settings.sms_provider!r}: log, aliyun or tencent")
    return kind() if kind is LogProvider else kind(settings)  # type: ignore[call-arg]
