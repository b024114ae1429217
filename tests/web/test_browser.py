"""The web chat page in a real headless Chromium against a live ``jiuzhu serve`` app: a
whole 低保 application by taps and typing, a quarterly check-in, a status change pushed
by staff arriving without a reload, the conversation back after a reload, 大字 and 朗读,
and the page at 360 px. Screenshots go to the artifacts (and, copied, to docs/)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from base.settings import Settings
from bot.app import create_app
from tests.console.live import (
    LiveServer,
    csp_violations,
    fresh_profile,
    make_driver,
    phone,
    require_chromium,
    shoot,
)
from tests.web.conftest import import_roster, valid_id

pytestmark = pytest.mark.browser

APPLICANT_ID = valid_id("43090219580101123")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[SimpleNamespace]:
    require_chromium()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        redis_url=None,
        secret_key="web-browser-test-secret",
    )
    app = create_app(settings)
    with LiveServer(app) as server:
        yield SimpleNamespace(url=server.url, backend=app.state.runtime.backend)


@pytest.fixture
def browser(served: SimpleNamespace) -> Iterator[Any]:
    profile = fresh_profile()
    driver = make_driver(profile)
    phone(driver)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _by(css: str) -> tuple[str, str]:
    from selenium.webdriver.common.by import By

    return (By.CSS_SELECTOR, css)


def _wait(driver: Any, seconds: float = 20) -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(
        driver, seconds, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    )


def bot_texts(driver: Any) -> list[str]:
    return [e.text for e in driver.find_elements(*_by(".msg.bot .text"))]


def _open(driver: Any, url: str) -> None:
    driver.get(f"{url}/chat")
    _wait(driver).until(lambda d: d.find_elements(*_by(".msg.bot .choice:not([disabled])")))
    _wait(driver).until(
        lambda d: d.execute_script("return document.documentElement.dataset.listening") == "1"
    )


def type_message(driver: Any, text: str) -> str:
    """Type ``text`` and send it; returns the text of the newest bot bubble after it."""
    before = len(driver.find_elements(*_by(".msg")))
    box = driver.find_element(*_by("#message"))
    box.send_keys(text)
    driver.find_element(*_by("#send")).click()
    return _answer(driver, before)


def tap(driver: Any, title: str) -> str:
    before = len(driver.find_elements(*_by(".msg")))
    buttons = driver.find_elements(*_by(".choice:not([disabled])"))
    [button] = [b for b in buttons if b.text.split(" ", 1)[-1] == title]
    button.click()
    return _answer(driver, before)


def _answer(driver: Any, before: int) -> str:
    def answered(d: Any) -> bool:
        items = d.find_elements(*_by(".msg"))
        return len(items) >= before + 2 and "bot" in items[-1].get_attribute("class")

    _wait(driver).until(answered)
    _wait(driver).until(lambda d: d.find_element(*_by("#send")).is_enabled())
    return str(driver.find_elements(*_by(".msg.bot .text"))[-1].text)


def test_a_whole_application_then_a_pushed_status_change(
    served: SimpleNamespace, browser: Any
) -> None:
    _open(browser, served.url)
    assert browser.execute_script("return window.innerWidth") == 360
    first = browser.find_element(*_by(".msg.bot"))
    numbered = [b.text for b in first.find_elements(*_by(".choice"))]
    assert numbered[0].startswith("1.") and "申请救助" in " ".join(numbered)
    shoot(browser, "chat-menu")

    tap(browser, "申请救助")
    # After a tap, focus is on the new reply (not lost, no keyboard popping up).
    _wait(browser).until(
        lambda d: d.execute_script("return document.activeElement.classList.contains('bot')")
    )
    assert "姓名" in tap(browser, "低保")
    for text in ["我叫王建国", APPLICANT_ID, "13807371234", "金华坪社区", "2", "68 65", "5"]:
        type_message(browser, text)
    assert "告知承诺书" in type_message(browser, "1200")
    assert "授权书" in tap(browser, "同意")
    assert "核对" in tap(browser, "同意")
    assert APPLICANT_ID not in browser.page_source  # the summary masks the 身份证号
    reply = tap(browser, "确认无误")
    assert "申请已提交" in reply
    found = re.search(r"JZ\d{8}-\d{4}", " ".join(bot_texts(browser)))
    assert found, bot_texts(browser)[-3:]
    case_no = found.group()
    assert browser.execute_script("return window.innerWidth") == 360
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360 px"
    shoot(browser, "chat-applied")

    # Staff accept the case: the page shows it without a reload.
    browser.execute_script("window.__notReloaded = true")
    served.backend.transition(case_no, "accepted", note="材料齐全", actor="staff:1:周社工")
    _wait(browser, 30).until(lambda d: d.find_elements(*_by(".msg.pushed")))
    pushed = browser.find_element(*_by(".msg.pushed")).text
    assert case_no in pushed and "受理" in pushed
    assert browser.execute_script("return window.__notReloaded === true")
    shoot(browser, "chat-pushed")

    # The same phone comes back to the same conversation.
    browser.refresh()
    _wait(browser).until(lambda d: any(case_no in t for t in bot_texts(d)))
    reply = type_message(browser, "查进度")
    assert "申请" in reply or case_no in reply
    assert csp_violations(browser) == []


def test_a_quarterly_check_in_by_taps(served: SimpleNamespace, browser: Any) -> None:
    recipient_id = valid_id("43090219500101123")
    import_roster(
        served.backend, [["张三", recipient_id, "13800000000", "低保", "大码头街道", "金花坪社区"]]
    )
    _open(browser, served.url)
    tap(browser, "季度签到")
    type_message(browser, "张三")
    type_message(browser, recipient_id)
    reply = type_message(browser, "13800000000")
    assert "1/4" in reply
    assert "身份核实成功" in " ".join(bot_texts(browser)[-3:])
    assert recipient_id not in browser.page_source
    shoot(browser, "chat-checkin")
    for _ in range(4):
        buttons = browser.find_elements(*_by(".choice:not([disabled])"))
        titles = [b.text.split(" ", 1)[-1] for b in buttons]
        no_change = next((t for t in titles if "没有" in t or "没变" in t), None)
        reply = tap(browser, no_change) if no_change else type_message(browser, "没有变化")
        if "签到成功" in reply:
            break
    assert "签到成功" in reply
    [checkin] = served.backend.list_checkins(_quarter())
    assert checkin.name == "张三" and checkin.changes == []
    assert csp_violations(browser) == []


def test_big_text_and_read_aloud(served: SimpleNamespace, browser: Any) -> None:
    _open(browser, served.url)
    size = browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    big = browser.find_element(*_by("#big-text"))
    assert big.get_attribute("aria-pressed") == "false"
    big.click()
    bigger = browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    assert bigger >= 24 and big.get_attribute("aria-pressed") == "true"
    for choice in browser.find_elements(*_by(".choice"))[:3]:
        assert choice.size["height"] >= 48
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0
    label = browser.find_element(*_by("label[for=message]"))
    assert label.text and browser.find_element(*_by("#log")).get_attribute("role") == "log"
    shoot(browser, "chat-big-text")
    browser.refresh()  # 大字 is remembered on the phone
    _wait(browser).until(
        lambda d: d.find_element(*_by("#big-text")).get_attribute("aria-pressed") == "true"
    )

    speak = browser.find_elements(*_by(".msg.bot .speak"))
    if shutil.which("espeak-ng") is None:
        assert speak == []  # text only without speech
        return
    speak[-1].click()
    _wait(browser).until(
        lambda d: (
            int(d.execute_script("return document.documentElement.dataset.spoken || 0")) > 1000
        )
    )
    assert csp_violations(browser) == []


def _quarter() -> str:
    from backend.clock import current_quarter

    return current_quarter()
