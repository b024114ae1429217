"""The console in a real headless Chromium against a live server (``jiuzhu serve``'s app):
sign in, a request sent through the REST channel appears without a reload and is
accepted, a full 口述办 intake, and every page at 360 px. Each test saves screenshots."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from base.settings import Settings
from bot.app import create_app
from tests.console.conftest import ADMIN_TOKEN, valid_id
from tests.console.demo import seed_demo
from tests.console.live import (
    LiveServer,
    csp_violations,
    fresh_profile,
    make_driver,
    phone,
    require_chromium,
    shoot,
)

pytestmark = pytest.mark.browser

# A resident applies for 低保 through the REST channel (as tests/conversations/apply.yml).
APPLY_TURNS = [
    "我想申请低保",
    "我叫王建国",
    valid_id("43090219580101123"),
    "13807371234",
    "金华坪社区",
    "2",
    "68 65",
    "5",
    "1200",
    "同意",
    "同意",
    "确认无误",
]
INTAKE_ID = valid_id("43090219520304121")
ACCOUNT = (
    f"李桂英，73岁，身份证号{INTAKE_ID}，住长春镇二港村，一个人生活，"
    "老伴去年走了，每月只有养老金300元左右，有高血压和糖尿病，想申请低保。"
)


REST_SECRET = "browser-front-end-secret"
TRUSTED = {"X-Jiuzhu-Rest-Secret": REST_SECRET}


@pytest.fixture
def served(console_settings: Settings) -> Iterator[SimpleNamespace]:
    require_chromium()
    # the resident talks through a trusted REST front end: staff replies reach it in full
    app = create_app(console_settings.model_copy(update={"rest_secret": REST_SECRET}))
    with LiveServer(app) as server:
        yield SimpleNamespace(url=server.url, backend=app.state.runtime.backend)


@pytest.fixture
def browser(served: SimpleNamespace) -> Iterator[Any]:
    profile = fresh_profile()
    driver = make_driver(profile)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _by(css: str) -> tuple[str, str]:
    from selenium.webdriver.common.by import By

    return (By.CSS_SELECTOR, css)


class _NavigatingWait:
    """WebDriverWait that also retries while a submitted form is loading its next page.

    Chromium then reports a node of the old document not as stale but as a generic
    "Node with given id does not belong to the document" error.
    """

    def __init__(self, wait: Any) -> None:
        self._wait = wait

    def until(self, condition: Any) -> Any:
        from selenium.common.exceptions import WebDriverException

        def tolerant(driver: Any) -> Any:
            try:
                return condition(driver)
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return False
                raise

        return self._wait.until(tolerant)


def _wait(driver: Any, seconds: float = 10) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return _NavigatingWait(
        WebDriverWait(driver, seconds, poll_frequency=0.1, ignored_exceptions=ignored)
    )


def _find(driver: Any, css: str) -> Any:
    """The element, once the page that has it is there (clicks do not wait for loads)."""
    return _wait(driver).until(lambda d: d.find_element(*_by(css)))


def sign_in(driver: Any, url: str, token: str) -> None:
    driver.get(f"{url}/console/login")
    _find(driver, "#token").send_keys(token)
    driver.find_element(*_by("form button[type=submit]")).click()
    _wait(driver).until(lambda d: d.current_url.endswith("/console/requests"))


def test_sign_in(served: SimpleNamespace, browser: Any) -> None:
    browser.get(f"{served.url}/console/requests")
    assert browser.current_url.endswith("/console/login")
    browser.find_element(*_by("#token")).send_keys("wrong-token")
    browser.find_element(*_by("form button[type=submit]")).click()
    assert "访问令牌无效" in _find(browser, ".flash-error").text
    shoot(browser, "login")
    sign_in(browser, served.url, ADMIN_TOKEN)
    assert _find(browser, "h1").text.startswith("新请求")
    assert "管理员" in browser.find_element(*_by(".who")).text
    assert "jz_console" not in browser.execute_script("return document.cookie")  # HttpOnly
    shoot(browser, "requests-empty")
    browser.find_element(*_by(".who button")).click()
    _wait(browser).until(lambda d: d.current_url.endswith("/console/login"))
    browser.get(f"{served.url}/console/requests")
    assert browser.current_url.endswith("/console/login")
    assert csp_violations(browser) == []


def test_a_rest_channel_request_appears_live_and_is_accepted(
    served: SimpleNamespace, browser: Any
) -> None:
    _staff, token = served.backend.create_staff("周社工", "caseworker", "大码头街道")
    sign_in(browser, served.url, token)
    assert browser.find_elements(*_by("[data-case]")) == []
    browser.execute_script("window.__notReloaded = true")

    replies: list[dict[str, Any]] = []
    with httpx.Client(base_url=served.url, timeout=30, headers=TRUSTED) as client:
        for text in APPLY_TURNS:
            answer = client.post(
                "/webhooks/rest/webhook", json={"sender": "browser-resident", "message": text}
            )
            assert answer.status_code == 200
            replies = answer.json()
    found = re.search(r"JZ\d{8}-\d{4}", " ".join(r["text"] for r in replies))
    assert found, replies
    case_no = found.group()

    row = _wait(browser, 5).until(lambda d: d.find_element(*_by(f'[data-case="{case_no}"]')))
    assert browser.execute_script("return window.__notReloaded === true")
    assert "is-new" in row.get_attribute("class")
    assert "王建国" in row.text and "已提交" in row.text
    assert "收到 1 条新请求" in browser.find_element(*_by("[data-live-status]")).text
    shoot(browser, "requests-live")

    row.find_element(*_by("a")).click()
    _wait(browser).until(lambda d: d.find_elements(*_by("[data-stage]")))
    assert "王建国" in browser.page_source and "研判结果" in browser.page_source
    browser.find_element(*_by("#note")).send_keys("材料齐全，予以受理")
    browser.find_element(*_by('button[data-transition="accepted"]')).click()
    # first what the applicant will read, without the internal note; then it is sent
    told = _find(browser, "[data-preview] [data-resident-text]").text
    assert "已受理" in told and "材料齐全" not in told
    assert served.backend.case_detail(case_no).status == "submitted"
    shoot(browser, "case-preview")
    browser.find_element(*_by("button[data-confirm]")).click()
    _wait(browser).until(lambda d: d.find_element(*_by("[data-stage]")).text == "已受理")
    assert "内部备注：材料齐全，予以受理" in browser.find_element(*_by(".history")).text
    assert "自受理之日起30个工作日" in browser.page_source
    shoot(browser, "case-accepted")

    detail = served.backend.case_detail(case_no)
    assert detail.status == "accepted"
    assert detail.events[-1].actor.endswith("周社工")

    # A message to the resident reaches the chat the case came from.
    browser.find_element(*_by("#text")).send_keys("请明天上午带户口本到街道民政办")
    browser.find_element(*_by("button[data-preview-message]")).click()
    shown = _find(browser, "[data-message-preview] [data-resident-text]").text
    assert shown == f"工作人员回复（{case_no}）：请明天上午带户口本到街道民政办"
    browser.find_element(*_by("button[data-confirm-message]")).click()
    _wait(browser).until(lambda d: "消息已进入发送队列" in d.find_element(*_by(".flash")).text)
    seen: list[str] = []
    with httpx.Client(base_url=served.url, timeout=30, headers=TRUSTED) as client:
        for _ in range(40):
            answer = client.post(
                "/webhooks/rest/webhook", json={"sender": "browser-resident", "message": "谢谢"}
            )
            seen += [r["text"] for r in answer.json()]
            if any("请明天上午带户口本到街道民政办" in text for text in seen):
                break
            time.sleep(0.5)
    assert any("请明天上午带户口本到街道民政办" in text for text in seen), seen
    assert csp_violations(browser) == []


def test_a_full_spoken_intake(served: SimpleNamespace, browser: Any) -> None:
    from selenium.webdriver.support.ui import Select

    staff, token = served.backend.create_staff("吴民政", "caseworker", "长春镇")
    sign_in(browser, served.url, token)
    browser.find_element(*_by('nav a[href="/console/intake"]')).click()
    _find(browser, "#account").send_keys(ACCOUNT)
    browser.find_element(*_by("main form button[type=submit]")).click()
    _wait(browser).until(lambda d: d.find_elements(*_by("[data-intake-form]")))

    assert browser.find_element(*_by("#f-name")).get_attribute("value") == "李桂英"
    assert browser.find_element(*_by("#f-id_number")).get_attribute("value") == INTAKE_ID
    assert Select(browser.find_element(*_by("#f-township"))).first_selected_option.text == "长春镇"
    phone_field = browser.find_element(*_by('[data-field="phone"]'))
    assert "field-missing" in phone_field.get_attribute("class")  # not said: marked
    assert "手机号" in browser.find_element(*_by(".flash-error")).text
    assert "如有隐瞒或虚报" in browser.find_element(*_by(".consent-text")).text
    shoot(browser, "intake-form")

    browser.find_element(*_by("#f-phone")).send_keys("13907371234")
    for checkbox in browser.find_elements(*_by('input[name^="consent_"]')):
        checkbox.click()
    browser.find_element(*_by("[data-intake-form] button[type=submit]")).click()
    _wait(browser).until(lambda d: "/console/cases/" in d.current_url)
    assert "已创建申请" in _find(browser, ".flash").text
    assert "口述办" in browser.page_source
    assert browser.find_element(*_by("[data-recorder]")).text == "吴民政"
    shoot(browser, "intake-case")

    [case] = served.backend.list_cases()
    detail = served.backend.case_detail(case.case_no)
    assert detail.channel == "口述办" and detail.recorded_by == staff.id
    assert detail.applicant_name == "李桂英" and detail.phone_masked == "139****1234"
    assert {c.text_id for c in detail.consents} == {"commitment", "authorisation"}
    assert csp_violations(browser) == []


def _resident_texts(backend: Any, case_no: str) -> list[str]:
    from sqlalchemy import select

    from backend.models import OutboxMessage

    with backend.db.session() as session:
        rows = session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.sink.like("resident:%"), OutboxMessage.case_no == case_no)
            .order_by(OutboxMessage.id)
        ).scalars()
        return [row.payload["text"] for row in rows]


def test_a_refusal_and_an_approval_as_the_applicant_reads_them(
    served: SimpleNamespace, browser: Any
) -> None:
    from backend.clock import local_day, utcnow
    from tests.backend.conftest import backdate_stage, publicise

    backend = served.backend
    _staff, token = backend.create_staff("周社工", "caseworker", "长春镇")

    def apply(id17: str, name: str) -> str:
        outcome = backend.create_case(
            "application",
            programs=["dibao"],
            applicant={"name": name, "id_number": valid_id(id17), "phone": "13807371234"},
            channel="网上办",
            township="长春镇",
            village="二港村",
            chat_channel="rest",
            chat_sender=f"resident-{id17}",
        )
        assert outcome.case is not None
        return outcome.case.case_no

    refused, approved = apply("43090219580101123", "王建国"), apply("43090219600101123", "李秀英")
    sign_in(browser, served.url, token)

    # 不予受理 from 已提交: the reason is required, then previewed, then sent
    browser.get(f"{served.url}/console/cases/{refused}")
    button = _find(browser, 'button[data-transition="rejected"]')
    assert button.text == "不予受理"
    browser.find_element(*_by("#note")).send_keys("内部：已电话联系其儿子")
    button.click()
    assert "不予受理的理由" in _find(browser, ".flash-error").text
    browser.find_element(*_by("#reason")).send_keys(
        "户籍和居住地都不在长春镇，请到户籍所在地乡镇申请"
    )
    browser.find_element(*_by('button[data-transition="rejected"]')).click()
    told = _find(browser, "[data-preview] [data-resident-text]").text
    assert "不予受理" in told and "户籍和居住地都不在长春镇" in told
    assert "复核" in told and "12345" in told and "已电话联系" not in told
    shoot(browser, "case-refusal-preview")
    browser.find_element(*_by("button[data-confirm]")).click()
    _wait(browser).until(lambda d: d.find_element(*_by("[data-stage]")).text == "未获批准")
    assert _resident_texts(backend, refused) == [told]

    # 批准: refused during 公示 with the date, then with programs, amount, start month
    publicise(backend, approved)
    browser.get(f"{served.url}/console/cases/{approved}")
    possible = _find(browser, "[data-approvable-from]").text
    amount = browser.find_element(*_by("#monthly_amount"))
    amount.send_keys("1172")
    browser.find_element(*_by('button[data-transition="approved"]')).click()
    assert f"{possible}起才能批准" in _find(browser, ".flash-error").text
    backdate_stage(backend, approved, 8)
    browser.get(f"{served.url}/console/cases/{approved}")
    _find(browser, "#monthly_amount").send_keys("1172")
    browser.find_element(*_by('button[data-transition="approved"]')).click()
    told = _find(browser, "[data-preview] [data-resident-text]").text
    month = local_day(utcnow())
    assert "每月1172元" in told and f"从{month.year}年{month.month}月起" in told
    shoot(browser, "case-approval-preview")
    browser.find_element(*_by("button[data-confirm]")).click()
    _wait(browser).until(lambda d: d.find_element(*_by("[data-stage]")).text == "已批准")
    assert "每月 1172 元" in browser.find_element(*_by("[data-decision]")).text
    assert _resident_texts(backend, approved)[-1] == told
    assert backend.recipient_for_chat("rest", "resident-43090219600101123") is not None
    assert csp_violations(browser) == []


def test_every_page_fits_a_360_px_phone(
    served: SimpleNamespace, browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    urgent_case = seed_demo(served.backend, monkeypatch)
    sign_in(browser, served.url, ADMIN_TOKEN)
    for name in ("checkins", "stats", "requests"):
        browser.get(f"{served.url}/console/{name}")
        shoot(browser, f"{name}-desktop", max_height=1100 if name == "requests" else 1500)
    assert len(browser.find_elements(*_by(".case.overdue"))) > 0

    phone(browser)
    pages = {
        "requests": "/console/requests",
        "case": f"/console/cases/{urgent_case}",
        "intake": "/console/intake",
        "checkins": "/console/checkins",
        "stats": "/console/stats",
    }
    for name, path in pages.items():
        browser.get(served.url + path)
        assert browser.execute_script("return window.innerWidth") == 360
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 360 px"
        size = browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16, f"{name}: body text {size}px is too small"
        for link in browser.find_elements(*_by("nav a")):
            assert link.is_displayed() and link.rect["x"] + link.rect["width"] <= 360
        shoot(browser, f"{name}-360")
    browser.get(served.url + "/console/requests")
    first = browser.find_element(*_by("[data-case]"))
    assert first.get_attribute("data-case") == urgent_case
    assert csp_violations(browser) == []
