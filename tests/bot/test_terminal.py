"""``jiuzhu chat``: the terminal shows buttons as numbered choices and takes numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from base.settings import Settings
from bot.runtime import Runtime
from channels.terminal import chat_loop
from tests.support.demo_form import DemoForm


async def test_terminal_chat_numbers_the_buttons_and_takes_a_number(settings: Settings) -> None:
    lines = iter(["/self_screening", "老王", "2", "exit"])
    shown: list[str] = []
    runtime = Runtime(settings, flows=[DemoForm()])
    await chat_loop(runtime.engine, "cli-test", lambda: next(lines), shown.append)
    screen = "\n".join(shown)
    assert "  1. 城镇\n  2. 农村" in screen
    assert "几口人" in screen.split("2. 农村")[-1]  # choosing "2" moved on to the next question
    assert screen.endswith("再见！")


def test_jiuzhu_chat_runs_as_a_command(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input="你好\n菜单\nexit\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "救助小助手" in result.stdout
    assert "再见" in result.stdout


async def test_a_restarted_chat_offers_the_saved_form_and_files_nothing(settings: Settings) -> None:
    """The opening a new terminal sends is the menu command: it greets a new resident,
    and after a restart offers the half-filled form instead of filing the opening
    as the answer to the question that was waiting."""
    first = iter(["/self_screening", "exit"])
    shown: list[str] = []
    await chat_loop(
        Runtime(settings, flows=[DemoForm()]).engine, "cli-r", lambda: next(first), shown.append
    )
    assert "您好" in shown[1]  # the greeting, on a first visit
    again = iter(["exit"])
    shown.clear()
    runtime = Runtime(settings, flows=[DemoForm()])
    await chat_loop(runtime.engine, "cli-r", lambda: next(again), shown.append)
    assert "继续刚才的事项" in "\n".join(shown)
    async with runtime.engine.store.transaction("cli", "cli-r") as session:
        assert session.flow == "demo" and session.form["values"] == {}


async def test_say_sends_only_the_given_lines(settings: Settings) -> None:
    shown: list[str] = []

    def no_reading() -> str:
        raise AssertionError("--say reads nothing from the terminal")

    runtime = Runtime(settings, flows=[DemoForm()])
    await chat_loop(runtime.engine, "cli-s", no_reading, shown.append, say=["/self_screening"])
    await chat_loop(runtime.engine, "cli-s", no_reading, shown.append, say=["老王"])
    screen = "\n".join(shown)
    assert "救助小助手（终端）" not in screen
    assert "1. 城镇" in screen and "您> 老王" in screen


def test_staff_notifications_stay_out_of_the_residents_terminal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """probe D F24: the log sink's "staff notification …" lines (and start-up warnings)
    go to the chat's log file, not to the resident's terminal; --verbose shows them."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "JIUZHU_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
        "PYTHONPATH": str(Path(__file__).parents[2]),  # this checkout's code
    }

    def say(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", "chat", "--sender", "f24", *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=env,
        )

    first = say("--say", "屋企冇米落锅")  # an urgent case: staff are notified
    second = say("--say", "跳过")  # the dispatcher delivers it while this turn runs
    for result in (first, second):
        assert result.returncode == 0, result.stderr
        assert "staff notification" not in result.stdout + result.stderr
    logged = (tmp_path / "var" / "jiuzhu-chat.log").read_text(encoding="utf-8")
    assert "staff notification" in logged
    shown = say("--say", "菜单", "--verbose")
    assert "WARNING" in shown.stderr
