"""Runs every YAML conversation under ``tests/conversations/`` against the real assistant.

The assistant runs whole: the NLU, the flows, the policy engine and the case backend
on a fresh SQLite database. A file holds a list of conversations:

    - name: applying creates a case
      channel: rest                  # optional, default rest
      setup:                         # optional, done through the backend before the chat
        - staff: {name: 李干事, role: caseworker, region: 大码头街道}   # → {{staff_token}}
        - recipients: [[张三, 430902195001011234, 13800000000, 低保, 大码头街道, 金花坪社区]]
        - case: {kind: application, programs: [dibao], applicant: {...}}  # → {{case_no}}
          mine: true                 # opened from this conversation's chat account
      turns:
        - user: 你好                  # {{staff_token}} / {{case_no}} / {{case_no_typed}} are filled in
                                     # ({{filed_case_no}}: this chat's newest case, filed in a turn)
          bot: [救助小助手]           # substrings that must appear in the replies
          bot_re: ["政策|申请"]        # regular expressions that must match
          not: [抱歉]                 # substrings that must not appear
          buttons: [申请救助]          # button titles that must be offered
          case: {kind: application, status: submitted, channel: 网上办}
                                     # the newest case of this sender, as the backend stored it
          cases: 1                   # how many cases this sender has
          relations: [self, spouse]  # the relation of each member of the newest case
          latest_case: {channel: 口述办, recorded_by: staff}
                                     # the newest case of all (staff detail view); the
                                     # value `staff` stands for the staff member of setup
          before: {transition: accepted}  # a staff step on the newest case before the turn
                                     # (a path of steps; reason: told with a refusal or an
                                     # objection; note: internal; say: message with it;
                                     # approve: {programs, monthly_amount} after 公示 has
                                     # run; message: …: a staff message to this chat)
          staff: [转人工]             # substrings of what reached staff during the turn
          staff_not: [4309…]          # substrings that must not have
      surfaces: [cli, rest, telegram]  # optional: said on each of these instead of the
                                     # engine alone (tests/support/surfaces.py)
      office_clock: "2026-12-05 21:00"  # optional: the moment (China time) the hand-off
                                     # reads to say when a person answers
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import services.handoff as handoff_service
from backend.clock import CHINA, local_day, utcnow
from backend.schemas import Approval, TransitionRequest
from base.datafiles import load_yaml
from base.settings import Settings
from bot.runtime import Runtime
from flows.texts import texts
from tests.support.surfaces import SURFACES, surface

CONVERSATIONS = Path(__file__).parent / "conversations"
CRASHED = texts()("core.error").splitlines()[0]  # the engine's reply to a turn that failed
RECIPIENT_HEADER = ["姓名", "身份证号", "手机号", "项目", "乡镇街道", "村社区"]


def _cases() -> list[Any]:
    cases = []
    for path in sorted(CONVERSATIONS.glob("*.yml")):
        for conversation in load_yaml(path) or []:
            name = f"{path.stem}: {conversation['name']}"
            surfaces = conversation.get("surfaces")
            if not surfaces:
                cases.append(pytest.param(conversation, "engine", id=name))
                continue
            for where in surfaces:
                assert where in SURFACES, f"{name}: unknown surface {where!r}"
                cases.append(pytest.param(conversation, where, id=f"{name} [{where}]"))
    return cases


def _setup(
    runtime: Runtime, steps: list[dict[str, Any]], variables: dict[str, str], chat: tuple[str, str]
) -> None:
    backend = runtime.backend
    for step in steps:
        if "staff" in step:
            staff = step["staff"]
            member, token = backend.create_staff(
                staff["name"], staff["role"], staff.get("region", "")
            )
            variables["staff_token"] = token
            variables["staff_id"] = str(member.id)
        if "recipients" in step:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(RECIPIENT_HEADER)
            writer.writerows([[str(cell) for cell in row] for row in step["recipients"]])
            result = backend.import_recipients(buffer.getvalue().encode(), "roster.csv")
            assert not result.errors, result.errors
        if "case" in step:
            mine = {"chat_channel": chat[0], "chat_sender": chat[1]} if step.get("mine") else {}
            outcome = backend.create_case(**step["case"], **mine)
            assert outcome.case is not None
            variables["case_no"] = outcome.case.case_no
            # as a resident types it: lower case, the leading zeros left out (jz20261202-1)
            variables["case_no_typed"] = re.sub(r"-0+(?=\d)", "-", outcome.case.case_no.lower())


def _fill(text: str, variables: dict[str, str]) -> str:
    for name, value in variables.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def _check_latest(
    runtime: Runtime, turn: dict[str, Any], variables: dict[str, str], where: str
) -> None:
    expected = turn.get("latest_case")
    if expected is None:
        return
    newest = runtime.backend.list_cases(limit=1)
    assert newest, f"no case stored — {where}"
    stored = runtime.backend.case_detail(newest[0].case_no).model_dump()
    for field, value in expected.items():
        if value == "staff":
            value = int(variables["staff_id"])
        elif isinstance(value, str):
            value = _fill(value, variables)  # "{{case_no}}"
        assert stored[field] == value, (
            f"latest case {field} is {stored[field]!r}, not {value!r} — {where}"
        )


def _check_case(
    runtime: Runtime,
    channel: str,
    sender: str,
    turn: dict[str, Any],
    where: str,
    variables: dict[str, str],
) -> None:
    cases = runtime.backend.cases_for_sender(channel, sender)
    if "cases" in turn:
        assert len(cases) == turn["cases"], (
            f"expected {turn['cases']} cases, got {len(cases)} — {where}"
        )
    if "relations" in turn:  # who each member of the newest case is, applicant first
        assert cases, f"no case stored — {where}"
        household = runtime.backend.case_detail(cases[0].case_no).household
        members = (household or {}).get("members") or []
        relations = [member.get("relation") for member in members]
        assert relations == turn["relations"], f"relations are {relations!r} — {where}"
    expected = turn.get("case")
    if expected is None:
        return
    assert cases, f"no case stored — {where}"
    stored = cases[0].model_dump()
    for field, value in expected.items():
        if isinstance(value, str):
            value = _fill(value, variables)
        assert stored[field] == value, f"case.{field} is {stored[field]!r}, not {value!r} — {where}"


def _staff_step(
    runtime: Runtime, channel: str, sender: str, before: dict[str, Any], set_up: str | None
) -> None:
    """A staff step on this chat's newest case (else on the case of the set-up, one filed
    elsewhere), as staff take it through the backend."""
    backend = runtime.backend
    own = backend.cases_for_sender(channel, sender)
    newest = own[0] if own or set_up is None else backend.find_case(set_up)
    assert newest is not None
    steps = before.get("transition", [])
    for step in [steps] if isinstance(steps, str) else steps:  # one, or a path
        # A refusal or an objection needs the reason the applicant is told (issue 17).
        reason = before.get("reason", "（测试）家庭人均收入高于低保标准")
        needs = backend.case_detail(newest.case_no).reasons_needed
        request = TransitionRequest(
            to=step,
            reason=reason if step in needs else "",
            note=before.get("note", "（测试）"),
            message=before.get("say", ""),
        )
        backend.transition(newest.case_no, request, actor="staff:0 测试员")
    if "approve" in before:  # after 7 full days of 公示: programs, amount, this month
        with backend.db.session() as session:
            case = backend.cases.get(session, newest.case_no)
            case.stage_at = case.stage_at - timedelta(days=8)
            session.add(case)
        details = before["approve"]
        approval = Approval(
            programs=details["programs"],
            monthly_amount=details["monthly_amount"],
            start_month=f"{local_day(utcnow()):%Y-%m}",
        )
        request = TransitionRequest(
            to="approved",
            approval=approval,
            note=before.get("note", ""),
            message=before.get("say", ""),
        )
        backend.transition(newest.case_no, request, actor="staff:0 测试员")
    if "message" in before:  # a staff answer to the chat
        backend.message_resident(newest.case_no, before["message"], "test")


@pytest.mark.parametrize(("conversation", "where"), _cases())
async def test_conversation(
    conversation: dict[str, Any], where: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "office_clock" in conversation:
        # only the hand-off's "who answers when" reads this clock; cases keep real time
        moment = datetime.fromisoformat(str(conversation["office_clock"])).replace(tzinfo=CHINA)
        monkeypatch.setattr(handoff_service, "utcnow", lambda: moment.astimezone(UTC))
    async with surface(where, settings, conversation.get("channel", "rest")) as chat:
        runtime = chat.runtime
        assert runtime is not None
        channel, sender = chat.channel, chat.sender
        variables: dict[str, str] = {}
        _setup(runtime, conversation.get("setup", []), variables, (channel, sender))
        await chat.staff_saw()  # what the set-up told staff is not the first turn's
        for number, turn in enumerate(conversation["turns"], 1):
            if "before" in turn:
                set_up = variables.get("case_no")
                _staff_step(runtime, channel, sender, turn["before"], set_up)
                await chat.staff_did()
            text = _fill(str(turn["user"]), variables)
            said, buttons = await chat.say(text)
            where_ = f"{where} turn {number} ({text!r}) got:\n{said}\nbuttons: {buttons}"
            # a turn that crashed into the polite error reply fails, whatever it expects
            assert CRASHED not in said, f"the turn crashed — {where_}"
            for expected in turn.get("bot", []):
                assert _fill(str(expected), variables) in said, f"missing {expected!r} — {where_}"
            for pattern in turn.get("bot_re", []):
                assert re.search(pattern, said), f"no match for {pattern!r} — {where_}"
            for unwanted in turn.get("not", []):
                assert _fill(str(unwanted), variables) not in said, (
                    f"unexpected {unwanted!r} — {where_}"
                )
            for title in turn.get("buttons", []):
                assert title in buttons, f"no button {title!r} — {where_}"
            staff = "\n".join(await chat.staff_saw())
            for expected in turn.get("staff", []):
                assert _fill(str(expected), variables) in staff, (
                    f"staff were not told {expected!r} — {where_}\nstaff saw:\n{staff}"
                )
            for unwanted in turn.get("staff_not", []):
                assert _fill(str(unwanted), variables) not in staff, (
                    f"staff were told {unwanted!r} — {where_}\nstaff saw:\n{staff}"
                )
            _check_case(runtime, channel, sender, turn, where_, variables)
            _check_latest(runtime, turn, variables, where_)
            own = runtime.backend.cases_for_sender(channel, sender)
            if own:  # a case filed in the chat itself: {{filed_case_no}} in later turns
                variables["filed_case_no"] = own[0].case_no
