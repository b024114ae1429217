"""A resident's own application, managed by chat: 撤回 (with a confirmation), correcting
submitted facts (a note to staff), asking for a review (复核) of a refusal.

The engine comes here, before any intent, when an idle message says one of the phrases
of ``flows/texts/manage.yml`` ("我要撤回申请", "资料填错了要改", "对结果不服要复核"), so
they never start a new application. Only applications filed from this chat account are
offered (``services.manage``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.errors import BackendError, InvalidTransition, NotFound
from backend.schemas import CaseView
from base.messages import BotReply, Button
from base.privacy import mask_text
from flows.base import Flow, TurnContext, call
from flows.status import SEEN_CASE, digits_meant, last6_with_case, padded, status_replies
from flows.texts import texts
from nlu.answers import read_id_last6
from nlu.facts import extract_facts
from nlu.normalize import simplify
from policies.catalog import load_catalog

ACTIONS = ("withdraw", "correct", "review")
_CASE_NO = re.compile(r"JZ\s*-?\s*(\d{8})\s*-\s*(\d{1,6})(?!\d)", re.IGNORECASE)
MIN_DETAIL = 6  # characters beyond the phrase that already say what to correct or why
# "不是三百 是五百", "是五百 不是三百": with a case number, a correction
_NUMBER = r"[\d零一二两三四五六七八九十百千万]+"
_INSTEAD = re.compile(
    rf"不是[^,，。.;；]{{1,10}}是|是[^,，。.;；]{{1,10}}不是|{_NUMBER}\S{{0,2}}\s*不是\s*{_NUMBER}"
)
# Session hint: "没有找到可以撤回的申请" offered to check a case number; the number sent
# next is taken as the one to withdraw (``ManageFlow.claims``).
OFFERED_WITHDRAW = "_manage_offered_withdraw"
# Session hint: the review (复核) this chat asked for or was told is under way
# ({case_no, at}), so "复核要多久" / "要交什么材料" right after are answered (probeG F16).
REVIEWING = "_manage_reviewing"
REVIEW_ASKED = "_manage_review_asked"  # for one start: a question about that review
# What a correction may change in the filed household (keys of ``nlu.facts``).
CHANGEABLE = ("household_size", "monthly_income", "deposits", "vehicles", "houses", "ages")


# Session hint: the application this chat filed last ({case_no, at}), so a correction
# right after ("刚才收入说错了 是九百 不是一千二") goes to it without its number (probeM W10).
JUST_FILED = "_manage_just_filed"


def remember_filed(slots: dict[str, Any], case_no: str) -> None:
    slots[JUST_FILED] = {"case_no": case_no, "at": datetime.now(UTC).isoformat()}


def just_filed(slots: dict[str, Any]) -> str | None:
    """The case this chat filed within ``manage.just_filed_hours``, if any."""
    return _told_within(slots.get(JUST_FILED) or {}, "manage.just_filed_hours")


def _told_within(told: dict[str, Any], hours_key: str) -> str | None:
    """The case number of a {case_no, at} note kept in the session, if not older than
    the hours the text ``hours_key`` gives."""
    try:
        at = datetime.fromisoformat(str(told.get("at", "")))
    except ValueError:
        return None
    hours = float(texts().raw(hours_key))
    return str(told["case_no"]) if datetime.now(UTC) - at <= timedelta(hours=hours) else None


def wanted(text: str, *, filed: bool = False) -> str | None:
    """Which of withdraw / correct / review the message asks for, if any. ``filed``: this
    chat filed an application just before — a correction of a figure needs no number."""
    words: dict[str, list[str]] = texts().raw("manage.words")
    text = simplify(text)  # "剛才收入說錯了": the word lists are 简体
    bare = text.replace(" ", "")
    if asks_restore(bare):
        return "restore"
    for action in ("review", "withdraw", "correct"):
        if any(w in bare for w in words[action]):
            return action
    if _own_application_withdrawn(bare):
        return "withdraw"
    if named_case(bare) is None:
        return "correct" if filed and _corrects_filed(text) else None
    # a case named ("把JZ20261202-0001撤回"): the shorter words say it
    with_case: dict[str, list[str]] = texts().raw("manage.with_case_words")
    for action in ("withdraw", "correct"):
        if any(w in bare for w in with_case[action]):
            return action
    return "correct" if _INSTEAD.search(text) else None


def _corrects_filed(text: str) -> bool:
    """ "刚才收入说错了 一个月是九百 不是一千二", "人数填错了 是三口人": a word of a mistake
    or "是…不是…", and a figure of the household it corrects."""
    bare = text.replace(" ", "")
    said = any(w in bare for w in texts().raw("manage.just_filed_words"))
    if not (said or _INSTEAD.search(text)):
        return False
    found = extract_facts(text)
    return any(found.get(k) not in (None, []) for k in CHANGEABLE)


def _own_application_withdrawn(bare: str) -> bool:
    """ "俺那个临时救助的申请不想要了 能撤回不", "低保嘅申請唔要啦": the application (or a
    program) named, then a withdrawing word after it — as plain as a case number (probeL 18)."""
    plain = simplify(bare)
    said: dict[str, list[str]] = texts().raw("manage.withdraw_named")
    starts = [plain.find(w) for w in said["subjects"] if w in plain]
    if not starts:
        return False
    rest = plain[min(starts) :]
    return any(w in rest for w in said["words"]) and not any(w in plain for w in said["not"])


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


def review_questions(text: str) -> list[str]:
    """What a message asks about a review under way: how_long, materials, withdraw."""
    words: dict[str, list[str]] = texts().raw("manage.review_questions")
    bare = text.replace(" ", "")
    return [key for key, said in words.items() if any(w in bare for w in said)]


def _reviewing(ctx: TurnContext) -> str | None:
    """The refused case whose review this chat spoke of in the last hours, if any."""
    return _told_within(ctx.session.slots.get(REVIEWING) or {}, "manage.review_follow_hours")


def _remember_review(ctx: TurnContext, case_no: str) -> None:
    ctx.session.slots[REVIEWING] = {"case_no": case_no, "at": datetime.now(UTC).isoformat()}


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


# "别给我撤掉", "唔好帮我撤": a no said around the 撤 itself
_NOT_WITHDRAW = re.compile(r"[不别莫唔冇勿没](?:要|用|想|好|给我|帮我|把它|把申请)?(?:撤|取消)")


def _asks_at_confirm(ctx: TurnContext) -> bool:
    """A question at "确定要撤回吗？" — not a no ("不撤回", "先不撤") and not a yes."""
    said = ctx.text.replace(" ", "")
    if ctx.parse.intent == "deny" and len(said) <= 6:
        return False
    if any(w in said for w in ctx.texts.raw("manage.keep_words")):
        return False
    return len(said) > 4 and any(w in said for w in ctx.texts.raw("manage.question_marks"))


def _restates_withdraw(ctx: TurnContext) -> bool:
    """ "我是说 那个申请我要撤掉" at "确定要撤回吗？": the request said again is a yes —
    unless a keep word or a question is in it ("不撤了", "撤了还能恢复吗")."""
    said = ctx.text.replace(" ", "")
    if any(w in said for w in ctx.texts.raw("manage.keep_words")) or _NOT_WITHDRAW.search(said):
        return False
    words: list[str] = ctx.texts.raw("manage.confirm_yes_words")
    if not any(w in said for w in words):
        return False
    rest = said
    for word in words:  # "不要了" is the request, not a question's 不
        rest = rest.replace(word, "")
    return not any(w in rest for w in ctx.texts.raw("manage.question_marks"))


class ManageFlow(Flow):
    name = "manage"

    def claims(self, ctx: TurnContext) -> bool:
        """A case number sent right after "没有找到可以撤回的申请" offered to check one;
        a question about the review just asked for ("要交什么材料")."""
        if ctx.payload is not None:
            return False
        if ctx.session.slots.get(OFFERED_WITHDRAW) and named_case(padded(ctx.text)):
            return True
        if _reviewing(ctx) and review_questions(ctx.text) and named_case(ctx.text) is None:
            ctx.session.slots[REVIEW_ASKED] = True
            return True
        return False

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        if ctx.session.slots.pop(REVIEW_ASKED, None):
            return await self._review_asked(ctx)
        offered = ctx.session.slots.pop(OFFERED_WITHDRAW, None)
        action = wanted(ctx.text, filed=just_filed(ctx.session.slots) is not None)
        if action is None and offered and named_case(padded(ctx.text)) is not None:
            action = "withdraw"  # the case number asked for
        if action is None:
            return [ctx.say("manage.failed")]
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        if action == "withdraw":
            return await self._withdraw(ctx)
        if action == "restore":
            return await self._no_restore(ctx)
        if action == "review":
            cases = await call(ctx, own.refused, chat, sender, _seen(ctx))
            if cases and asks_why(ctx.text):
                return await self._why(ctx, cases[0])
        else:
            cases = await call(ctx, own.correctable, chat, sender)
        named = named_case(ctx.text)
        filed = just_filed(ctx.session.slots)
        if named is None and action == "correct" and any(c.case_no == filed for c in cases):
            named = filed  # "刚才收入说错了" just after filing: that application
        if named is not None and all(c.case_no != named for c in cases):
            ctx.session.end_flow()
            return [ctx.say("manage.not_found_named", case_no=named, action=action)]
        if not cases:
            ctx.session.end_flow()
            return [ctx.say(f"manage.none_{action}")]
        return await self._offer(ctx, action, cases, named)

    async def _offer(
        self, ctx: TurnContext, action: str, cases: list[CaseView], named: str | None
    ) -> list[BotReply]:
        """The one case to act on, or the question which one."""
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

    async def _withdraw(self, ctx: TurnContext) -> list[BotReply]:
        """撤回: this chat's applications; a case number of another chat (a son for the
        application his sister filed) after the applicant's 身份证后6位 are checked, as the
        status look-up checks them (the same failures per case); never a bare "not found"."""
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        cases = await call(ctx, own.withdrawable, chat, sender)
        named = named_case(padded(ctx.text))
        if named is not None and all(c.case_no != named for c in cases):
            mine = await call(ctx, own.applications, chat, sender)
            decided = next((c for c in mine if c.case_no == named), None)
            if decided is not None:  # this chat's, with a result already
                return await self._proven(ctx, decided)
            return await self._by_number(ctx, named)
        if not cases:
            seen = _seen(ctx)  # "查进度 JZ… 031237" just before: that case is proven
            if seen is not None:
                return await self._by_number(ctx, seen)
            ctx.session.end_flow()
            ctx.session.slots[OFFERED_WITHDRAW] = True
            return [ctx.say("manage.none_withdraw")]
        return await self._offer(ctx, "withdraw", cases, named)

    async def _by_number(self, ctx: TurnContext, case_no: str) -> list[BotReply]:
        """A case not filed from this chat: proven already, or the 身份证后6位 asked for."""
        own, status = ctx.services.own_requests, ctx.services.status
        if _seen(ctx) == case_no:
            case = await call(ctx, own.proven, case_no)
            if case is not None:
                return await self._proven(ctx, case)
        locked = await call(ctx, status.locked, case_no)
        if locked is not None:
            ctx.session.end_flow()
            return status_replies(ctx, locked)
        ctx.session.start_flow(self.name, "last6")
        ctx.session.form.update(action="withdraw", case_no=case_no, cases=[], detail="")
        last6 = last6_with_case(ctx.text)
        if last6 is not None:  # "编号JZ… 身份证后六位031237 撤回"
            return await self._check(ctx, last6)
        return [ctx.say("manage.ask_last6", case_no=case_no)]

    async def _check(self, ctx: TurnContext, last6: str) -> list[BotReply]:
        """The 身份证后6位 against the case, counted as a status look-up is."""
        case_no = str(ctx.session.form["case_no"])
        outcome = await call(ctx, ctx.services.status.look_up, case_no, last6)
        if outcome.result == "found" and outcome.case is not None:
            ctx.session.slots[SEEN_CASE] = outcome.case.case_no
            return await self._proven(ctx, outcome.case)
        if outcome.result == "not_found" and outcome.left > 0:
            ctx.session.form["unclear"] = 0
            return [ctx.say("manage.check_failed", case_no=case_no, left=outcome.left)]
        ctx.session.end_flow()
        return status_replies(ctx, outcome)

    async def _proven(self, ctx: TurnContext, case: CaseView) -> list[BotReply]:
        """A case this chat may withdraw: the confirmation; else why it cannot be."""
        own = ctx.services.own_requests
        if not await call(ctx, own.can_withdraw, case):
            ctx.session.end_flow()
            if case.status == "withdrawn":
                return [ctx.say("manage.already_withdrawn", case=case)]
            return [ctx.say("manage.not_withdrawable", case_no=case.case_no, stage=case.stage)]
        ctx.session.start_flow(self.name, "choose")
        ctx.session.form.update(action="withdraw", cases=[case.case_no], detail="")
        return await self._chosen(ctx, case)

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        step = ctx.session.step
        form = ctx.session.form
        if step == "last6":
            last6 = read_id_last6(digits_meant(ctx.text)).value
            if last6 is not None:
                return await self._check(ctx, last6)
            if form.get("unclear"):  # asked twice: nothing is withdrawn
                ctx.session.end_flow()
                return [ctx.say("manage.check_given_up", case_no=form.get("case_no"))]
            form["unclear"] = 1
            return [ctx.say("manage.last6_unclear", case_no=form.get("case_no"))]
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
        found = next((c for c in cases if c.case_no == case_no), None)
        if found is None and _seen(ctx) == case_no:  # proven by number + 身份证后6位
            found = await call(ctx, own.proven, case_no)
        if found is None:
            raise NotFound(f"没有找到案件 {case_no}")
        return found

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
                return await self._about_review(ctx, under_way, case)
        if form.get("detail"):
            return await self._act(ctx, case.case_no, str(form["detail"]))
        ctx.session.step = "correction" if action == "correct" else "reason"
        key = "manage.ask_correction" if action == "correct" else "manage.ask_reason"
        return [ctx.say(key, case_no=case.case_no)]

    async def _review_asked(self, ctx: TurnContext) -> list[BotReply]:
        """ "要交什么材料" just after a review was asked for: about that review."""
        case_no = _reviewing(ctx)
        own = ctx.services.own_requests
        chat, sender = ctx.message.channel, ctx.message.sender_id
        review = await call(ctx, own.review_under_way, chat, sender, case_no) if case_no else None
        refused = await call(ctx, own.proven, case_no) if case_no else None
        if review is None or refused is None:
            ctx.session.slots.pop(REVIEWING, None)
            return [ctx.say("manage.failed")]
        return await self._about_review(ctx, review, refused)

    async def _about_review(
        self, ctx: TurnContext, review: CaseView, refused: CaseView
    ) -> list[BotReply]:
        """A review under way: what the message asks of it — how long, what to bring, to
        withdraw it (staff told; they do it) — from the case and the catalog; else where
        it stands (probeG F16)."""
        _remember_review(ctx, refused.case_no)
        asked = review_questions(ctx.text)
        if not asked:
            return [ctx.say("manage.already_reviewing", review=review, case_no=refused.case_no)]
        parts: list[str] = []
        if "withdraw" in asked:
            said = mask_text(ctx.text.strip())
            try:
                await call(
                    ctx,
                    ctx.services.own_requests.review_withdraw_asked,
                    review.case_no,
                    refused.case_no,
                    said,
                )
            except BackendError:
                return [ctx.say("manage.failed")]
            parts.append(ctx.texts("manage.review_withdraw", review=review))
        if "how_long" in asked:
            parts.append(ctx.texts("manage.review_how_long", review=review))
        if "materials" in asked:
            reason = await call(ctx, ctx.services.own_requests.reason, refused)
            programs = load_catalog().programs
            materials = [programs[p].materials[0].text for p in refused.programs if p in programs]
            parts.append(
                ctx.texts(
                    "manage.review_materials",
                    reason=reason,
                    materials="；".join(dict.fromkeys(materials)),
                )
            )
        return [BotReply("\n".join(parts))]

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
        if yes or (ctx.payload is None and _restates_withdraw(ctx)):
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
                case = await call(ctx, own.withdraw, chat, sender, case_no, _seen(ctx))
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
        _remember_review(ctx, case_no)
        if not opened:
            refused = await self._case(ctx, case_no)
            return await self._about_review(ctx, review, refused)
        return [ctx.say("manage.reviewing", review=review, case_no=case_no)]
