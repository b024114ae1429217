"""Reporting someone else in hardship (主动发现): who, where, what, and how to reach the
reporter — who may stay anonymous. Opens a ``discovery_report`` case for the township
the place names (typo-tolerant), so the right staff see it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from base.messages import BotReply
from base.privacy import mask_text
from flows import identity, reading
from flows.base import TurnContext, call
from flows.forms import Form, Slot
from flows.texts import texts
from nlu.answers import Reading
from nlu.finders.identity import is_surname
from nlu.normalize import simplify

# A first message this long already describes the situation ("隔壁李奶奶一个人住，病了没人
# 照顾"): it fills that question, which the summary shows and 修改 can change.
OPENER_SITUATION = 14


free_text = reading.free_text(2)
_CLAUSES = re.compile(r"[\s,，。.;；!！?？、]+")
# the situation told in the first message: shorter than this, it is asked
MIN_SITUATION = 4
DETAIL_CHARS = 8  # a clause after the name this short with an age or school in it


def _words(key: str) -> list[str]:
    return [str(word) for word in texts().raw(f"report_other.{key}")]


def _name_end(clause: str) -> int | None:
    """Where the name of the person in ``clause`` ends ("汤嫂子的孙子读初中" → after 孙子):
    person words in a row, joined by nothing or 的/家; None without one."""
    people = sorted(_words("person_words"), key=len, reverse=True)
    joins = set(_words("person_joins"))
    end: int | None = None
    for found in re.finditer("|".join(map(re.escape, people)), clause):
        gap = clause[end : found.start()] if end is not None else ""
        if end is not None and gap not in joins and not is_surname(gap):
            break  # "邻居张奶奶": a surname between two person words joins them
        end = found.end()
    return end


def _opener_cut(clause: str) -> str:
    """The clause after its word of reporting ("想反映一下我们村…" → "我们村…"), or
    before it when the person is named there ("帮隔壁刘奶奶反映一下" → "隔壁刘奶奶")."""
    for word in sorted(_words("report_words"), key=len, reverse=True):
        at = clause.find(word)
        if at >= 0:
            before = clause[:at]
            if _name_end(before) is not None:
                return re.sub(r"^(我想|想)?(帮|替|给|代)", "", before)
            rest = clause[at + len(word) :]
            return re.sub(r"^(一下|一个|个|下)?(情况)?(的是|是)?", "", rest)
    return clause


def _own_start(name: str) -> str:
    """The writer's own start of a name ("我们村", "我家", "我"), or ""."""
    for start in sorted(_words("place_starts"), key=len, reverse=True):
        if name.startswith(start):
            return start
    return next((s for s in _words("own_starts") if name.startswith(s)), "")


def told(text: str) -> tuple[str | None, str | None, bool]:
    """Who a report is about and their situation as the message tells them, and whether
    the person is someone else than the writer's family ("我们村汤嫂子的孙子" is, "我妈"
    is not)."""
    clauses = [c for c in _CLAUSES.split(simplify(text).strip()) if c]
    fillers = _words("filler_words")
    details = _words("who_detail_words")
    who: str | None = None
    other = False
    situation: list[str] = []
    for clause in clauses:
        clause = _opener_cut(clause)
        if not clause or any(word in clause for word in fillers):
            continue
        end = _name_end(clause) if who is None else None
        if end is None:
            if who is not None and len(situation) == 0 and _is_detail(clause, details):
                who = f"{who}，{clause}"  # "读初中", "十三四岁": who it is
                details = []  # one such clause
                continue
            situation.append(clause)
            continue
        name = re.sub(r"^(我想|想)?(帮|替|给|代)", "", clause[:end])  # "帮邻居张奶奶申请"
        start = _own_start(name)
        other = start in _words("place_starts") or not start
        who = _shown(name) if other else name
        if clause[end:]:
            situation.append(clause[end:])
    said = "，".join(situation)
    vague = who is not None and (
        who.startswith(tuple(_words("vague_starts"))) or who in _words("vague_names")
    )
    if vague:
        return None, said if len(said) >= MIN_SITUATION else None, other
    return who, said if len(said) >= MIN_SITUATION else None, other and who is not None


def _told_values(text: str) -> dict[str, Any]:
    """Who and what ``text`` tells (``told``); the whole text as the situation when it is
    long and tells neither."""
    who, situation, _ = told(text)
    if who is not None:
        who = re.sub(r"^(就)?是", "", who)  # "是对门的奶奶"
    if situation is None and who is None and len(text.strip()) >= OPENER_SITUATION:
        situation = text.strip()
    return {"who": who, "situation": situation}


def told_before_removed(text: str) -> str:
    """An answer without its "我刚才说了噻" / "我前面都讲过了": never stored as a name."""
    bare = text
    for word in sorted(_words("told_before_words"), key=len, reverse=True):
        bare = bare.replace(word, " ")
    return re.sub(r"^[\s,，。、噻嘛啊哈的了]+|[\s,，。、]+$", "", bare).strip()


def _free_answer(ctx: TurnContext, values: dict[str, Any]) -> Any:
    """The answer as typed, without a word of having told it before (probeI W2)."""
    bare = told_before_removed(ctx.text)
    if bare != ctx.text.strip():
        ctx = replace(ctx, text=bare)
    return free_text(ctx, values)


# After a village's name: its group, team or house number ("二港村五组", "三队", "12号").
_PLACE_TAIL = re.compile(r"[一二三四五六七八九十\d]+(?:组|队|号|栋|单元)")


def _place_in(ctx: TurnContext) -> tuple[str | None, str]:
    """The place an answer names, as typed ("长春镇二港村五组"), and the rest of it ("叫周建军
    四十来岁"); (None, the answer) when it names no township or village literally."""
    said = simplify(told_before_removed(ctx.text))
    facts = reading.facts_of(ctx)
    names = [str(facts[key]) for key in ("township", "village") if facts.get(key)]
    spans = [(said.find(name), said.find(name) + len(name)) for name in names if name in said]
    if not spans:
        return None, said
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    tail = _PLACE_TAIL.match(said, end)
    end = tail.end() if tail else end
    rest = f"{said[:start]} {said[end:]}".strip(" ,，。、的")
    return said[start:end], re.sub(r"^(?:叫|名叫|名字叫|他叫|她叫)", "", rest).strip(" ,，。、")


def _who(ctx: TurnContext, values: dict[str, Any]) -> Any:
    """Who needs help; a place in the answer is the place ("长春镇二港村五组" at "是谁"): kept
    as the place, and who asked again — a place is never stored as the person (probeM W15)."""
    place, rest = _place_in(ctx) if ctx.payload is None else (None, "")
    if place is None:
        return _free_answer(ctx, values)
    values["place"] = values.get("place") or place  # not asked again
    if len(rest) < 2:
        return Reading(
            None, sure=False, problem=texts()("report_other.who_after_place", place=place)
        )
    return Reading(rest)


def _place(ctx: TurnContext, values: dict[str, Any]) -> Any:
    """Where they live; a name told with it ("长春镇二港村五组 叫周建军") is not the place."""
    place, _ = _place_in(ctx) if ctx.payload is None else (None, "")
    return Reading(place) if place else free_text(ctx, values)


def _shown(name: str) -> str:
    """The name without the writer's own start ("我们村汤嫂子" → "汤嫂子", "我家隔壁的
    刘奶奶" → "隔壁的刘奶奶"): staff read it without the writer."""
    for start in sorted(_words("drop_starts"), key=len, reverse=True):
        if name.startswith(start) and len(name) > len(start):
            return name[len(start) :].lstrip("的")
    return name


def _is_detail(clause: str, details: list[str]) -> bool:
    return len(clause) <= DETAIL_CHARS and any(word in clause for word in details)


def about_someone_else(text: str) -> bool:
    """ "想反映一下 我们村汤嫂子的孙子 …": a report about another household, never the
    writer's own situation nor a complaint about staff."""
    bare = simplify(text).replace(" ", "")
    if not any(word in bare for word in _words("report_words")):
        return False
    if any(word in bare for word in _words("complaint_words")):
        return False
    mine = bare
    for start in _words("place_starts"):
        mine = mine.replace(start, "")  # "我们村", "我家隔壁": about the place
    if any(word in mine for word in _words("own_words")):
        return False
    return told(text)[2]


class ReportOtherFlow(Form):
    name = "report_other"
    urgent_interrupt = False  # answers here describe hardship; they are not new emergencies
    intents = ("report_other",)
    intro = "report_other.intro"
    slots = (
        Slot("who", "report_other.ask_who", label="labels.report_who", read=_who),
        Slot("place", "report_other.ask_place", label="labels.report_place", read=_place),
        Slot(
            "situation",
            "report_other.ask_situation",
            label="labels.report_situation",
            read=_free_answer,
        ),
        Slot(
            "contact",
            "report_other.ask_contact",
            label="labels.report_contact",
            read=identity.phone_or_skip,
            validate=identity.contact_problem,
            show=identity.show_phone,
            hints={"request_phone": True},
            unclear="report_other.contact_unclear",
        ),
    )

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        return {}  # the facts are about someone else: staff read the report

    def fits(self, ctx: TurnContext) -> bool:
        """An idle message that reports someone else, whatever the classifier read."""
        return ctx.payload is None and about_someone_else(ctx.text)

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        """Who and what the first message told ("我们村汤嫂子的孙子 读初中 爸爸瘫了"), and
        the place when it names one; the rest is asked."""
        from flows.story import told_before

        said = ctx.text.strip()
        earlier = told_before(ctx)  # the account told just before ("…一个人住 吃不上饭")
        values: dict[str, Any] = {}
        if earlier and earlier != said:
            values = _told_values(earlier)
            ctx.session.slots.pop("_story", None)
        if ctx.payload or not said:
            return {k: v for k, v in values.items() if v}
        # this message ("不是我 是对门的奶奶") adds to the account; what it tells first
        for key, value in _told_values(said).items():
            values[key] = values.get(key) or value
        facts = reading.facts_of(ctx)
        if facts.get("township"):
            values["place"] = f"{facts['township']}{facts.get('village') or ''}"
        return {k: v for k, v in values.items() if v}

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        replies = await super().start(ctx)
        values = self.values(ctx)
        if not replies or not (values.get("who") or values.get("situation")):
            return replies
        # said back instead of the plain intro: what was understood, how much is left
        left = sum(1 for slot in self.slots if slot.name not in values)
        replies[0] = ctx.say(
            "report_other.intro_told",
            who=values.get("who"),
            situation=values.get("situation"),
            left=left,
        )
        return replies

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        contact = identity.given(values["contact"])
        summary = ctx.texts(
            "report_other.summary",
            who=mask_text(values["who"]),
            place=mask_text(values["place"]),
            situation=mask_text(values["situation"]),
            anonymous=contact is None,
        )
        # The reporter is the case's contact: staff call this number back.
        opened = await call(
            ctx,
            ctx.services.chat_cases.open,
            "discovery_report",
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=summary,
            place_text=values["place"],
            contact=contact,
        )
        return [ctx.say("report_other.done", case=opened.case, anonymous=contact is None)]
