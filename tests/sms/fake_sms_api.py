"""Local stand-ins for Alibaba Cloud's and Tencent Cloud's SMS APIs (SendSms), over
real HTTP on 127.0.0.1. Each checks the request signature the way its provider
documents it (written out here on its own, not with the code under test), records the
messages it "sent", and can be told to answer an error code."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

KEY_ID = "LTAI5tTestKeyId0123"
KEY_SECRET = "test-sms-key-secret-0123456789"
TENCENT_APP_ID = "1400000001"


@dataclass
class Sent:
    provider: str
    phone: str
    template: str
    params: Any  # dict (Aliyun) or list (Tencent)
    out_id: str


class FakeSmsAPI:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.refused: list[str] = []
        self.fail_with: str | None = None  # an error code to answer once
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = Starlette(routes=[Route("/", self._endpoint, methods=["GET", "POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[sock])),  # type: ignore[union-attr]
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake SMS API did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _take_failure(self) -> str | None:
        with self._lock:
            code, self.fail_with = self.fail_with, None
        return code

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.method == "GET":
            return self._aliyun(dict(request.query_params))
        return self._tencent(request, await request.body())

    # -- Alibaba Cloud: RPC style, GET with the signature in the query --------------------
    def _aliyun(self, query: dict[str, str]) -> JSONResponse:
        signature = query.pop("Signature", "")

        def enc(text: str) -> str:
            return quote(text, safe="").replace("%7E", "~")

        pairs = "&".join(enc(k) + "=" + enc(query[k]) for k in sorted(query))
        string_to_sign = "GET&%2F&" + enc(pairs)
        mac = hmac.new((KEY_SECRET + "&").encode(), string_to_sign.encode(), "sha1")
        expected = base64.b64encode(mac.digest()).decode()
        if query.get("AccessKeyId") != KEY_ID or signature != expected:
            self.refused.append("aliyun signature")
            return JSONResponse({"Code": "SignatureDoesNotMatch", "Message": "bad signature"}, 400)
        code = self._take_failure()
        if code:
            return JSONResponse({"Code": code, "Message": "refused by the double"})
        with self._lock:
            self.sent.append(
                Sent(
                    "aliyun",
                    query["PhoneNumbers"],
                    query["TemplateCode"],
                    json.loads(query["TemplateParam"]),
                    query.get("OutId", ""),
                )
            )
        return JSONResponse(
            {"Code": "OK", "Message": "OK", "BizId": f"biz{next(self._ids)}", "RequestId": "r1"}
        )

    # -- Tencent Cloud: TC3-HMAC-SHA256, a JSON POST -------------------------------------
    def _tencent(self, request: Request, body: bytes) -> JSONResponse:
        headers = request.headers
        stamp = int(headers.get("x-tc-timestamp", "0"))
        day = time.strftime("%Y-%m-%d", time.gmtime(stamp))
        canonical_request = (
            "POST\n/\n\n"
            f"content-type:{headers.get('content-type', '')}\nhost:{headers.get('host', '')}\n\n"
            "content-type;host\n" + hashlib.sha256(body).hexdigest()
        )
        string_to_sign = (
            f"TC3-HMAC-SHA256\n{stamp}\n{day}/sms/tc3_request\n"
            + hashlib.sha256(canonical_request.encode()).hexdigest()
        )
        key = ("TC3" + KEY_SECRET).encode()
        for part in (day, "sms", "tc3_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        authorization = headers.get("authorization", "")
        good = (
            authorization.startswith(f"TC3-HMAC-SHA256 Credential={KEY_ID}/{day}/sms/tc3_request")
            and authorization.endswith(f"Signature={expected}")
            and headers.get("x-tc-action") == "SendSms"
        )
        if not good:
            self.refused.append("tencent signature")
            error = {"Code": "AuthFailure.SignatureFailure", "Message": "bad signature"}
            return JSONResponse({"Response": {"Error": error, "RequestId": "r"}})
        data = json.loads(body)
        code = self._take_failure()
        if code:
            error = {"Code": code, "Message": "refused by the double"}
            return JSONResponse({"Response": {"Error": error, "RequestId": "r"}})
        phone = data["PhoneNumberSet"][0]
        with self._lock:
            self.sent.append(
                Sent(
                    "tencent",
                    phone.removeprefix("+86"),
                    data["TemplateId"],
                    data["TemplateParamSet"],
                    data.get("SessionContext", ""),
                )
            )
        status = {"SerialNo": f"serial{next(self._ids)}", "PhoneNumber": phone, "Code": "Ok"}
        return JSONResponse({"Response": {"SendStatusSet": [status], "RequestId": "r"}})
