"""``jiuzhu serve`` (``bot.app.create_app``) serves the console on embedded defaults."""

from __future__ import annotations

from fastapi.testclient import TestClient

from base.settings import Settings
from bot.app import create_app
from tests.console.conftest import ADMIN_TOKEN, csrf_of


def test_the_served_app_has_the_console(console_settings: Settings) -> None:
    with TestClient(create_app(console_settings)) as client:
        page = client.get("/console/login")
        assert page.status_code == 200
        assert "工作人员登录" in page.text
        signed = client.post(
            "/console/login", data={"token": ADMIN_TOKEN, "csrf": csrf_of(page.text)}
        )
        assert signed.status_code == 200 and "新请求" in signed.text
        assert client.get("/console/static/console.css").status_code == 200
        assert "/console/login" not in client.get("/openapi.json").text
