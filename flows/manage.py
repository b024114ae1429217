"""A resident's own application, managed by chat: 撤回 (with a confirmation), correcting
submitted facts (a note to staff), asking for a review (复核) of a refusal.

The engine comes here, before any intent, when an idle message says one of the phrases
of ``flows/texts/manage.yml`` ("我要撤回申请", "资料填错了要改", "对结果不服要复核"), so
they never start a new application. Only applications filed from this chat account are
offered (``services.manage``).
"""

from __future__ import annotations

import re
from typing import Any

from backend.errors import BackendError, InvalidTransition
from backend.schemas import CaseView
from base.messages import BotReply, Button
from base.privacy import mask_text
from flows.base import Flow, TurnContext, call
from flows.status import SEEN_CASE
from flows.texts import texts
from nlu.facts import extract_facts
from policies.catalog import load_catalog

ACTIONS = ("withdraw", "correct", "review")
_CASE_NO = re.compile(r"JZ\s*-?\s*(\d{8})\s*-\s*(\d{1,6})(?!\d)", re.IGNORECASE)
MIN_DETAIL = 6  # characters beyond the phrase that already say what to correct or why
# "不是三百 是五百", "是五百 不是三百": with a case number, a correction
_NUMBER = r"[\d零一二两三四五六七八九十百千万]+"
_INSTEAD = re.compile(
    rf"不是[^,，。.;；]{{1,10}}是|是[^,，。.;；]{{1,10}}不是|{_NUMBER}\S{{0,2}}\s*不是\s*{_NUMBER}"
)
# What a correction may change in the filed household (keys of ``nlu.facts``).
CHANGEABLE = ("household_size", "monthly_income", "deposits", "vehicles", "houses", "ages")


def wanted(text: str) -> str | None:
    """Which of withdraw / correct / review the message asks for, if any."""
    words: dict[str, list[str]] = texts().raw("manage.words")
    bare = text.replace(" ", "")
    if asks_restore(bare):
        return "restore"
    for action in ("review", "withdraw", "correct"):
        if any(w in bare for w in words[action]):
            return action
    if named_case(bare) is None:
        return None
    # a case named ("把JZ20261202-0001撤回"): the shorter words say it
    with_case: dict[str, list[str]] = texts().raw("manage.with_case_words")
    for action in ("withdraw", "correct"):
        if any(w in bare for w in with_case[action]):
            return action
    return "correct" if _INSTEAD.search(text) else None


def asks_restore(text: str) -> bool:
    """ "能不能把那个申请恢复", "我撤错了": an application taken back, not a form."""
    bare = text.replace(" ", "")
    words: list[str] = texts().raw("manage.restore_words")
    named = named_case(bare) is not None
    return any(w in bare for w in words) and (
        named or any(w in bare for w in texts().raw("manage.restore_application_words"))
    )


def named_case(text: str) -> str | None:
    """The case number the message names ("jz20261202-1" → "JZ20261202-0001")."""
    found = _CASE_NO.search(text)
    return f"JZ{found.group(1)}-{int(found.group(2)):04d}" if found else None


def changes(ctx: TurnContext, text: str) -> dict[str, Any]:
    """The household facts a correction states ("她儿子其实每个月给五百 不是三百" →
    ``monthly_income: 500``); a field named without a fact found ("改收入 改成500") is
    read as the answer to that field's question."""
    region = ctx.services.region
    found = extract_facts(text, region)
    changed = {k: found[k] for k in CHANGEABLE if found.get(k) not in (None, [])}
    if changed:
        return changed
    fields: dict[str, list[str]] = ctx.texts.raw("manage.field_words")
    for key, words in fields.items():
        if any(w in text for w in words):
            value = extract_facts(text, region, slot=key).get(key)
            if value not in (None, []):
                changed[key] = value
    return changed


def asks_why(text: str) -> bool:
    """ "为什么没批 理由是什么": the reason is asked, not (yet) a review."""
    words: dict[str, list[str]] = texts().raw("manage.why_words")
    bare = text.replace(" ", "")
    return any(w in bare for w in words["why"]) and not any(w in bare for w in words["review"])


def _seen(ctx: TurnContext) -> str | None:
    seen = ctx.session.slots.get(SEEN_CASE)
    return str(seen) if seen else None


def _programs(case: CaseView) -> str:
    programs = load_catalog().programs
    return "、".join(programs[p].short_name if p in programs else p for p in case.programs)


def _detail(ctx: TurnContext, action: str) -> str:
    """What the opening message says beyond the phrase ("资料填错了，家里是4口人")."""
    words: list[str] = ctx.texts.raw("manage.words")[action]
    rest = ctx.text
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    rest = rest.strip(" ，,。.!！?？要我想")
    told = len(rest) >= MIN_DETAIL or (action == "correct" and bool(changes(ctx, ctx.text)))
    return ctx.text.strip() if told else ""


def _asks_at_confirm(ctx: TurnContext) -> bool:
    """A question at "确定要撤回吗？" — not a no ("不撤回", "先不撤") and not a yes."""
    said = ctx.text.replace(" ", "")
    if ctx.parse.intent == "deny" and len(said) <= 6:
        return False
    if any(w in said for w in ctx.texts.raw("manage.keep_words")):
        return False
    return len(said) > 4 and any(w in said for w in ctx.texts.raw("manage.question_marks"))


class ManageFlow(Flow):
    name = "manage"

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        action = wanted(ctx.text)
        if action is None:
            return [ctx.say("manage.failed")]
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        if action == "restore":
            return await self._no_restore(ctx)
        if action == "review":
            cases = await call(ctx, own.refused, chat, sender, _seen(ctx))
            if cases and asks_why(ctx.text):
                return await self._why(ctx, cases[0])
        else:
            listing = own.withdrawable if action == "withdraw" else own.correctable
            cases = await call(ctx, listing, chat, sender)
        named = named_case(ctx.text)
        if named is not None and all(c.case_no != named for c in cases):
            ctx.session.end_flow()
            return [ctx.say("manage.not_found_named", case_no=named, action=action)]
        if not cases:
            ctx.session.end_flow()
            return [ctx.say(f"manage.none_{action}")]
        ctx.session.start_flow(self.name, "choose")
        ctx.session.form.update(
            action=action, cases=[c.case_no for c in cases], detail=_detail(ctx, action)
        )
        if named is not None:  # "把JZ20261202-0001撤回": that one
            return await self._chosen(ctx, next(c for c in cases if c.case_no == named))
        if len(cases) == 1:
            return await self._chosen(ctx, cases[0])
        buttons = tuple(
            Button(ctx.texts("manage.case_button", case=c, programs=_programs(c)), f"/{c.case_no}")
            for c in cases[:5]
        )
        return [ctx.say("manage.which", buttons=buttons)]

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        step = ctx.session.step
        form = ctx.session.form
        if step == "choose":
            case_no = self._pick(ctx)
            if case_no is None:
                return [ctx.say("manage.choose_again")]
            case = await self._case(ctx, case_no)
            return await self._chosen(ctx, case)
        if step == "confirm":
            return await self._confirm(ctx)
        if step in ("correction", "reason"):
            text = ctx.text.strip()
            if len(text) < 2:
                return [
                    ctx.say(
                        "manage.ask_correction" if step == "correction" else "manage.ask_reason",
                        case_no=form.get("case_no"),
                    )
                ]
            return await self._act(ctx, str(form["case_no"]), text)
        ctx.session.end_flow()
        return [ctx.say("manage.failed")]

    async def back(self, ctx: TurnContext) -> list[BotReply]:
        ctx.session.end_flow()
        return [ctx.say("core.nothing_to_go_back")]

    # -- steps ---------------------------------------------------------------------------
    def _pick(self, ctx: TurnContext) -> str | None:
        offered: list[str] = ctx.session.form.get("cases", [])
        answer = (ctx.payload or ctx.text).strip().lstrip("/")
        named = named_case(answer)
        if named:
            answer = named
        elif answer.isdigit() and 1 <= int(answer) <= len(offered):
            answer = offered[int(answer) - 1]
        answer = answer.upper()
        return answer if answer in offered else None

    async def _case(self, ctx: TurnContext, case_no: str) -> CaseView:
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        cases = await call(ctx, own.applications, chat, sender)
        if ctx.session.form.get("action") == "review":
            cases = [*cases, *await call(ctx, own.refused, chat, sender, _seen(ctx))]
        return next(c for c in cases if c.case_no == case_no)

    async def _why(self, ctx: TurnContext, case: CaseView) -> list[BotReply]:
        """The refusal's reason, and how to ask for 复核 ("复核" here opens it)."""
        ctx.session.end_flow()
        reason = await call(ctx, ctx.services.own_requests.reason, case)
        return [ctx.say("manage.why_refused", case=case, reason=reason)]

    async def _chosen(self, ctx: TurnContext, case: CaseView) -> list[BotReply]:
        form = ctx.session.form
        form["case_no"] = case.case_no
        action = form["action"]
        if action == "withdraw":
            ctx.session.step = "confirm"
            buttons = (
                Button(ctx.texts("manage.button_withdraw"), "/affirm"),
                Button(ctx.texts("manage.button_keep"), "/deny"),
            )
            said = ctx.text.replace(" ", "")
            relatives, assets = ctx.texts.raw("manage.withdraw_doubt_words")
            doubt = any(w in said for w in relatives) and any(w in said for w in assets)
            # "村里讲我儿子在城里有车 批不下来的": who counts as the household, first
            told = [ctx.say("manage.household_answer")] if doubt else []
            return [
                *told,
                ctx.say(
                    "manage.confirm_withdraw", buttons=buttons, case=case, programs=_programs(case)
                ),
            ]
        if action == "review":
            own = ctx.services.own_requests
            chat, sender = ctx.message.channel, ctx.message.sender_id
            under_way = await call(ctx, own.review_under_way, chat, sender, case.case_no)
            if under_way is not None:
                ctx.session.end_flow()
                return [ctx.say("manage.already_reviewing", review=under_way, case_no=case.case_no)]
        if form.get("detail"):
            return await self._act(ctx, case.case_no, str(form["detail"]))
        ctx.session.step = "correction" if action == "correct" else "reason"
        key = "manage.ask_correction" if action == "correct" else "manage.ask_reason"
        return [ctx.say(key, case_no=case.case_no)]

    def withdraw_in_form(self, ctx: TurnContext) -> bool:
        """ "不是申请 是撤回" typed in an application form: a withdrawal meant."""
        bare = ctx.text.replace(" ", "")
        return wanted(bare) == "withdraw" and any(
            w in bare for w in ctx.texts.raw("manage.in_form_withdraw_words")
        )

    async def any_withdrawable(self, ctx: TurnContext) -> bool:
        """Whether this chat account has an application it may withdraw."""
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        return bool(await call(ctx, own.withdrawable, chat, sender))

    async def any_withdrawn(self, ctx: TurnContext) -> bool:
        """Whether this chat account has a withdrawn application."""
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        return bool(await call(ctx, own.withdrawn, chat, sender))

    async def _no_restore(self, ctx: TurnContext) -> list[BotReply]:
        """A withdrawn application cannot be taken back by chat: said so, with a new
        application or a person offered (never "已经恢复了")."""
        ctx.session.end_flow()
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        cases = await call(ctx, own.withdrawn, chat, sender)
        named = named_case(ctx.text)
        case = next((c for c in cases if c.case_no == named), cases[0] if cases else None)
        if case is None:
            return [ctx.say("manage.none_restore")]
        buttons = (
            Button(ctx.texts("manage.button_apply_again"), "/apply"),
            Button(ctx.texts("manage.button_person"), "/human_handoff"),
        )
        return [ctx.say("manage.no_restore", buttons=buttons, case=case, programs=_programs(case))]

    async def _confirm(self, ctx: TurnContext) -> list[BotReply]:
        case_no = str(ctx.session.form["case_no"])
        yes = ctx.payload == "/affirm" or (ctx.payload is None and ctx.parse.intent == "affirm")
        if yes:
            return await self._act(ctx, case_no, "")
        if ctx.payload is None and _asks_at_confirm(ctx):
            # "等一下 我儿子不跟我们住一起 他有车也算我屋的吗": answered, asked again
            said = ctx.text.replace(" ", "")
            key = (
                "manage.household_answer"
                if any(w in said for w in ctx.texts.raw("manage.household_words"))
                else "manage.question_answer"
            )
            buttons = (
                Button(ctx.texts("manage.button_withdraw"), "/affirm"),
                Button(ctx.texts("manage.button_keep"), "/deny"),
            )
            return [ctx.say(key), ctx.say("manage.confirm_again", buttons=buttons, case_no=case_no)]
        ctx.session.end_flow()
        # "不撤回", or anything but a clear yes: nothing is withdrawn
        return [ctx.say("manage.kept", case_no=case_no)]

    async def _act(self, ctx: TurnContext, case_no: str, text: str) -> list[BotReply]:
        action = ctx.session.form.get("action")
        ctx.session.end_flow()
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        try:
            if action == "withdraw":
                case = await call(ctx, own.withdraw, chat, sender, case_no)
                return [ctx.say("manage.withdrawn", case=case)]
            if action == "correct":
                changed = changes(ctx, text)
                _, lines = await call(ctx, own.correct, chat, sender, case_no, text, changed)
                return [
                    ctx.say(
                        "manage.corrected",
                        case_no=case_no,
                        text=mask_text(text.strip()),
                        changes=lines,
                    )
                ]
            review, opened = await call(ctx, own.review, chat, sender, case_no, text, _seen(ctx))
        except InvalidTransition:
            case = await self._case(ctx, case_no)
            return [ctx.say("manage.not_withdrawable", case_no=case_no, stage=case.stage)]
        except BackendError:
            return [ctx.say("manage.failed")]
        key = "manage.reviewing" if opened else "manage.already_reviewing"
        return [ctx.say(key, review=review, case_no=case_no)]
