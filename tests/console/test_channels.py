"""The case page shows the resident's channels: every chat account of the person, the
one used last (where reminders and pushes go), and SMS with its 退订 state."""

from __future__ import annotations

import re
from types import SimpleNamespace

from backend import sms
from backend.contacts import Contacts
from backend.service import Backend
from tests.console.conftest import application


def _channels(html: str) -> list[str]:
    found = re.search(r"<ul class=\"channels\" data-channels>(.*?)</ul>", html, re.S)
    assert found, "no channel list on the case page"
    return re.findall(r"<li>(.*?)</li>", found.group(1))


def test_the_case_page_lists_the_residents_channels(
    admin: SimpleNamespace, backend: Backend
) -> None:
    case_no = application(backend, id17="43090219900101123")  # from the REST channel
    contacts = Contacts(backend.db, backend.settings.secret_key)
    contacts.touch("rest", "resident-43090219900101123")
    code = contacts.new_link_code("rest", "resident-43090219900101123")
    assert contacts.link(code, "wechat", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o") == "linked"
    items = _channels(admin.client.get(f"/console/cases/{case_no}").text)
    assert items[0].startswith("微信公众号（最近使用") and "提醒和进度发到这里" in items[0]
    assert items[1].startswith("HTTP 接口") and "最近使用" not in items[1]
    assert items[2] == "短信"
    assert "oUpF8uMuAJO" not in admin.client.get(f"/console/cases/{case_no}").text
    sms.set_stopped(backend, "13800138000", True)
    assert _channels(admin.client.get(f"/console/cases/{case_no}").text)[2] == "短信（已退订短信）"
