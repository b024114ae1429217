"""A resident's account (a long first message, voice input without punctuation, a relative
writing for an old person): read for every fact with ``nlu.facts.extract_facts`` — the
one extractor 口述办 uses — said back in one short message ("我听明白的是：家里5口人，
您爱人患白血病…"), then what fits as buttons: screening with those facts already given
(the form reads the account as its opening message, so it does not ask them again),
applying likewise, urgent help when the account says so, a person.

The engine comes here when an idle message is long or carries several facts and is not
a clear request for something else (``StoryFlow.fits``), and when a clear question whether
the household qualifies (ask_eligibility) tells the writer's own facts: then, as for a
request to be screened, the facts are said back and screening starts with them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from base.messages import BotReply, Button
from flows import callback
from flows.applicant import unlisted_village
from flows.base import Flow, TurnContext
from nlu.facts import extract_facts, writer_apart
from nlu.finders.identity import callback_of
from nlu.finders.members import find_mentions
from nlu.finders.text import MESSAGE_BREAK, prepare, segments
from nlu.finders.values import Range
from nlu.normalize import simplify
from nlu.validators import mask_phone
from policies.catalog import load_catalog

STORY = "_story"  # session slot: the account and when it was told, until a button uses it
# session slot: a village the account named that the region's list does not have
# ("我是龙洞村的网格员"): the application asks only its township, not the place again
TOLD_VILLAGE = "_told_village"
FOLLOW_UP = timedelta(minutes=15)  # a fact told this soon after an account adds to it
LONG = 40  # characters: an account, not a question
SEVERAL = 2  # facts that make a shorter message an account
MIN_AGES_FOR_SIZE = 2  # ages listed that tell the household size (flows.screening)
GREETED = 12  # characters: a greeting this long with a fact in it is an account
CLEAR = 0.8  # a request this sure of its intent goes to its own flow
URGENT_SHORT = 0.6  # a short message this likely an emergency is no account to say back
READ_AS_STORY = ("self_screening", "inform", "out_of_scope")
# Asked to be screened, or asked whether this household qualifies ("我老伴瘫在床上，我这情况
# 能不能办低保"): with the household's facts told, screening answers it (docs/nlu.md).
SCREENS = ("self_screening", "ask_eligibility")
NOT_FACTS = ("programs", "name_hint")
# Read as a correction of the account when one was just said back and the message has facts.
CORRECTS_ACCOUNT = ("report_change",)


def _amount(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class StoryFlow(Flow):
    name = "story"
    intents = ("story_screening", "story_apply")

    def __init__(self, screening: Flow | None = None, apply: Flow | None = None) -> None:
        self.screening = screening
        self.apply = apply

    # -- when the engine comes here ----------------------------------------------------
    def fits(self, ctx: TurnContext, served: set[str]) -> bool:
        """An account rather than a request: long, or several facts, and not a clear
        request for another service (``served``: the intents flows serve)."""
        if ctx.payload is not None:
            return False
        parse = ctx.parse
        clear = parse.confidence >= CLEAR and parse.intent in served
        if clear and parse.intent == "ask_eligibility":
            # whether it qualifies: the conditions (policy), unless it tells its own facts
            own: list[str] = ctx.texts.raw("story.own_words")
            return any(w in ctx.text for w in own) and bool(self.household_facts(ctx))
        if clear and parse.intent in CORRECTS_ACCOUNT and told_before(ctx) is not None:
            # "我工资说多了 实际到手一千八" just after the account was said back: a correction
            # of the account ("说得不对的地方直接告诉我"), not a recipient's change to report
            return bool(self.facts(ctx))
        if clear and parse.intent not in READ_AS_STORY:
            return False
        if (
            parse.intent == "urgent_help"
            and parse.confidence >= URGENT_SHORT
            and len(ctx.text) < LONG
        ):
            return False  # "火烧咗 冇地方住": a short cry for help, the urgent flow's
        facts = self.facts(ctx)
        if facts and told_before(ctx) is not None:
            return True  # "不对，是4口人" just after the account: it adds to it
        if len(ctx.text) >= LONG:
            return bool(facts) or parse.hardship or not clear
        if parse.intent == "greet" and facts and len(ctx.text) >= GREETED:
            return True  # "你好我想问一哈 屋里四口人…": the greeting opens an account
        if parse.hardship and set(facts) == {"household_size"} and _tells_a_loss(ctx.text):
            return False  # "俺家老头走了 剩我一个 咋整啊": grief, the hardship offer's words
        return len(facts) >= SEVERAL or (parse.hardship and len(facts) >= 1)

    def facts(self, ctx: TurnContext) -> dict[str, Any]:
        found = account_facts(ctx, ctx.text)
        return {k: v for k, v in found.items() if k not in NOT_FACTS and v not in (None, [])}

    def household_facts(self, ctx: TurnContext) -> dict[str, Any]:
        """The facts of the message outside the program names it mentions (残疾人两项补贴
        says nothing about the household)."""
        text = ctx.text
        for entity in sorted(ctx.parse.entities, key=lambda e: -e.start):
            if entity.entity == "program" and entity.end > entity.start:
                text = f"{text[: entity.start]}{'　' * (entity.end - entity.start)}{text[entity.end :]}"
        found = extract_facts(text, ctx.services.region, applicant=applicant_of(ctx, text))
        return {k: v for k, v in found.items() if k not in NOT_FACTS and v not in (None, [])}

    # -- the turn ------------------------------------------------------------------------
    async def start(self, ctx: TurnContext) -> list[BotReply]:
        if ctx.parse.intent in self.intents and ctx.payload is not None:
            return await self._continue(ctx)
        earlier = told_before(ctx)
        story = joined(ctx, earlier, ctx.text) if earlier else ctx.text  # a later part corrects
        facts = account_facts(ctx, story)
        ctx.session.slots[STORY] = {"text": story, "at": datetime.now(UTC).isoformat()}
        remember_applicant(ctx, story)
        remember_village(ctx, story, facts)
        told = ctx if not earlier else replace(ctx, parse=ctx.services.interpreter.parse(story))
        said = said_back(told, facts, applicant_of(ctx, story))
        left = callback_of(ctx.text)
        if left is not None:  # "有事打我女儿电话 139…": kept for the chat (and its open case)
            await callback.record(ctx, left)
        parse = ctx.parse
        if parse.intent in SCREENS and parse.confidence >= CLEAR and self.screening:
            # asked to be screened: said back, then only what is missing is asked
            ctx.session.slots.pop(STORY, None)
            return [BotReply(said), *await self.screening.start(told)]
        return [BotReply(f"{said}\n{ctx.texts('story.next')}", self._buttons(ctx, facts))]

    async def _continue(self, ctx: TurnContext) -> list[BotReply]:
        """A button: the screening or application form, the account as its opener."""
        story = told_before(ctx, within=None)
        ctx.session.slots.pop(STORY, None)
        target = self.screening if ctx.parse.intent == "story_screening" else self.apply
        if target is None or not story:
            return [ctx.say("story.story_gone")]
        told = replace(
            ctx,
            text=str(story),
            parse=ctx.services.interpreter.parse(str(story)),
            payload=None,
        )
        replies = await target.start(told)
        ctx.sensitive = ctx.sensitive or told.sensitive
        return replies

    def _buttons(self, ctx: TurnContext, facts: dict[str, Any]) -> tuple[Button, ...]:
        say = ctx.texts
        buttons = []
        if ctx.session.slots.get("checkin_done_at"):  # flows.checkin.CHECKED_IN
            # "我还想补充一下 老头子住院了" after 签到: a change of a recipient's family
            buttons.append(Button(say("checkin.button_report_change"), "/report_change"))
        buttons.append(Button(say("story.button_screening"), "/story_screening"))
        buttons.append(Button(say("story.button_apply"), "/story_apply"))
        if urgent_fits(ctx, facts):
            buttons.append(Button(say("story.button_urgent"), "/urgent_help"))
        buttons.append(Button(say("story.button_person"), "/human_handoff"))
        return tuple(buttons)


# What one household's answers leave in the session for the next form of the same chat.
HOUSEHOLD_SLOTS = (
    "household_answers",
    "household",
    "screening",
    "program",
    "applicant",
    STORY,
    TOLD_VILLAGE,
)


def next_person(ctx: TurnContext) -> bool:
    """ "好 下一个 隔壁刘老倌…": the message starts another person's household (a
    caseworker entering one resident after another); nothing of the last one carries
    over. The slots are forgotten; True when the message says so."""
    said = ctx.text.replace(" ", "")
    if ctx.payload is not None or not any(
        word in said for word in ctx.texts.raw("story.next_person_words")
    ):
        return False
    for slot in HOUSEHOLD_SLOTS:
        ctx.session.slots.pop(slot, None)
    return True


# Between two messages of one account the later one's figures replace the earlier ones
# (nlu.finders.text.MESSAGE_BREAK), unless it says it adds to them.
ASKED_NEAR = 8  # characters: the parent or 她/他 this close before the question


def joined(ctx: TurnContext, earlier: str, text: str) -> str:
    """An account and the message that follows it, as one text: "…工资五千多" then "不对
    …我妈就每个月一百多的养老金" reads 100, not 5000 + 100 (probeL 1); "一年也就两万"
    after "一年两万四" is the year's 20000 (probeN F1). A message that adds money ("还有…",
    "我老婆一个月还有三百的补贴": an adding word or another person's money, and no
    correction word) adds to the account's figures."""
    adds: list[str] = ctx.texts.raw("story.adds_words")
    if text.lstrip(" ，,。").startswith(tuple(adds)) or _adds_money(ctx, earlier, text):
        return f"{earlier}。{text}"
    return f"{earlier}。{MESSAGE_BREAK}{text}"


def _adds_money(ctx: TurnContext, earlier: str, text: str) -> bool:
    """More money told besides the account's: an adding word anywhere or a person other
    than the applicant named, and nothing said to correct ("说错了", "不是…")."""
    prepared = prepare(text).text
    if len(segments(prepared)) > 1 or "不是" in prepared:
        return False  # "还有保洁工资说错了 现在涨到一千三了": a correction
    adds = any(word in prepared for word in ctx.texts.raw("story.adding_words"))
    applicant = applicant_of(ctx, f"{earlier}。{text}")
    others = [m for m in find_mentions(prepared, applicant) if m.relation != "self"]
    return adds or bool(others)


def applicant_of(ctx: TurnContext, text: str) -> str:
    """ "father"/"mother" when a son or daughter writes for a parent ("替我爸问的", or the
    parent named and then asked about: "我妈在老家瘫在床上…她能不能吃低保"), else "self"."""
    table: dict[str, list[str]] = ctx.texts.raw("story.for_parent")
    for parent, words in table.items():
        if any(w in text for w in words):
            return parent
    return _parent_asked_about(ctx, text)


def _parent_asked_about(ctx: TurnContext, text: str) -> str:
    """The parent named ("我妈", "俺娘", "我媽") and then the question about them ("她能不能",
    "我妈能不能吃低保", "符不符合") with the parent or 她/他 just before it, no one else
    named in between: the parent is the applicant."""
    plain = simplify(text).replace(" ", "")
    asked: dict[str, Any] = ctx.texts.raw("story.parent_asked")
    for parent, nouns in asked["parents"].items():
        named = [plain.find(noun) for noun in nouns if noun in plain]
        if not named:
            continue
        first = min(named)
        near = (*nouns, asked["pronouns"][parent])
        for head in asked["questions"]:
            at = plain.find(head, first)
            while at >= 0:
                between = plain[first:at]
                before = plain[max(first, at - ASKED_NEAR) : at]
                if any(w in before for w in near) and not any(
                    w in between for w in asked["others"]
                ):
                    return str(parent)
                at = plain.find(head, at + 1)
    return "self"


def remember_applicant(ctx: TurnContext, text: str) -> None:
    """Who the account is about, kept for the forms it opens: "我妈" in the answers that
    follow a daughter's account for her father is his wife (``flows.reading.applicant``)."""
    applicant = applicant_of(ctx, text)
    if applicant == "self":
        ctx.session.slots.pop("applicant", None)
    else:
        ctx.session.slots["applicant"] = applicant


def remember_village(ctx: TurnContext, text: str, facts: dict[str, Any]) -> None:
    """A village the account names that the list does not have, kept for the forms it
    opens (a listed one comes with its township among the facts)."""
    named = None if facts.get("township") else unlisted_village(text, None)
    if named:
        ctx.session.slots[TOLD_VILLAGE] = named
    else:
        ctx.session.slots.pop(TOLD_VILLAGE, None)


def parents_gone(ctx: TurnContext, text: str) -> bool:
    """Whether an account says a child's parents both cannot raise it: each parent named
    in a clause with a gone word ("父坐牢 母跑了"), and a child or grandchild named."""
    say = ctx.texts.raw
    applicant = applicant_of(ctx, text)
    writer_is_child = applicant in say("story.child_writes_for")
    parents: dict[str, list[str]] = say("story.parent_asked")["parents"]
    if applicant in parents:
        # a son writing for his mother: "我爸前年走了" is her husband, and the writer's
        # children are not hers (probeL 1) — no child of this household lost its parents
        text = writer_apart(text, applicant)
        for noun in sorted((n for ns in parents.values() for n in ns), key=len, reverse=True):
            text = text.replace(noun, "＿" * len(noun))
    if not writer_is_child and not any(word in text for word in say("story.child_words")):
        return False
    father = mother = False
    for clause in re.split(r"[\s,，。.;；!！?？、]", text):
        if not any(word in clause for word in say("story.parent_gone_words")):
            continue
        both = any(word in clause for word in say("story.both_parents_words"))
        father = father or both or any(w in clause for w in say("story.father_words"))
        mother = mother or both or any(w in clause for w in say("story.mother_words"))
    return father and mother


def account_facts(ctx: TurnContext, text: str) -> dict[str, Any]:
    """The facts of an account: ``extract_facts``, and whether a child's parents cannot
    raise it (``parents_gone``)."""
    facts = extract_facts(text, ctx.services.region, applicant=applicant_of(ctx, text))
    if "parents_unable" not in facts and parents_gone(ctx, text):
        facts["parents_unable"] = True
    return facts


def remember_story(ctx: TurnContext, text: str) -> None:
    """Keep ``text`` as the account told, for the forms that follow (a policy answer that
    read the household's figures from it: "测一测" then asks only what is missing)."""
    ctx.session.slots[STORY] = {"text": text, "at": datetime.now(UTC).isoformat()}
    remember_applicant(ctx, text)


def story_facts(ctx: TurnContext, keep: bool = False) -> dict[str, Any]:
    """The facts of an account told just before, for a form started by typing rather than
    by the account's buttons ("直接申請" after "…想同時申請低保和醫療救助"); the account is
    used up. Empty when none was told lately, or this message is the account."""
    story = told_before(ctx)
    if not story or story == ctx.text:
        return {}
    if not keep:
        ctx.session.slots.pop(STORY, None)
    return account_facts(ctx, story)


def opening_facts(ctx: TurnContext, keep: bool = False) -> dict[str, Any]:
    """What a form's first message holds: an account told just before it (``story_facts``)
    and the message itself read as an account (a form opened by the account's buttons
    reads the account as its first message)."""
    if ctx.payload:
        return story_facts(ctx, keep)
    return {**story_facts(ctx, keep), **account_facts(ctx, ctx.text)}


def told_before(ctx: TurnContext, within: timedelta | None = FOLLOW_UP) -> str | None:
    """The account told in this chat (lately, with ``within``), if any."""
    kept = ctx.session.slots.get(STORY)
    if not isinstance(kept, dict) or not kept.get("text"):
        return None
    if within is not None:
        try:
            at = datetime.fromisoformat(str(kept.get("at")))
        except ValueError:
            return None
        if datetime.now(UTC) - at > within:
            return None
    return str(kept["text"])


def urgent_fits(ctx: TurnContext, facts: dict[str, Any]) -> bool:
    """A sudden event, no income at all, or words of need now (住院, 没饭吃 …)."""
    words: list[str] = ctx.texts.raw("story.urgent_words")
    return (
        facts.get("hardship_event") not in (None, "none")
        or facts.get("monthly_income") == 0
        or any(w in ctx.text for w in words)
    )


def said_back(ctx: TurnContext, facts: dict[str, Any], applicant: str | None = None) -> str:
    """The facts in one sentence, in the order a caseworker would say them; ``applicant``
    as the whole account tells it (a correction after it need not say 她能不能)."""
    say = ctx.texts
    who: dict[str, str] = dict(say.raw("story.who"))
    applicant = applicant or applicant_of(ctx, ctx.text)
    if applicant != "self":
        who["self"] = say.raw("story.applicant_is")[applicant]
        who["spouse"] = say.raw("story.applicant_spouse")[applicant]

    def person(key: str) -> str:
        return who.get(key, who["other"])

    def people(members: list[Any]) -> list[str]:
        """Each one named once; several children as "2个孩子"."""
        counted: dict[str, int] = {}
        for member in members:
            counted[str(member)] = counted.get(str(member), 0) + 1
        return [
            say("story.several", n=n, who=person(key))
            if n > 1 and key not in ("self", "spouse")
            else person(key)
            for key, n in counted.items()
        ]

    parts: list[str] = []
    size = facts.get("household_size")
    if size is None and len(facts.get("ages") or []) >= MIN_AGES_FOR_SIZE:
        size = len(facts["ages"])  # as the forms count it: one person for each age told
    if size == 1:
        parts.append(say("story.alone"))
    elif size:
        parts.append(say("story.household_size", n=size))
    residence = facts.get("residence")
    if residence in ("urban", "rural"):
        parts.append(say.raw("story.residence")[residence])
    ages = facts.get("ages") or []
    if len(ages) == 1:
        parts.append(say("story.age_one", age=ages[0]))
    elif ages:
        parts.append(say("story.ages", ages="、".join(str(a) for a in ages)))
    if facts.get("township"):
        parts.append(say("story.place", place=f"{facts['township']}{facts.get('village') or ''}"))
    illness = ctx.parse.first("illness")
    states: list[str] = say.raw("story.states")
    for member in facts.get("ill") or []:
        state = bool(illness) and any(w in str(illness) for w in states)
        parts.append(say("story.ill", who=person(str(member)), illness=illness or "", state=state))
        illness = None  # named once
    for entry in facts.get("disabled") or []:
        parts.append(
            say("story.disabled", who=person(str(entry.get("who"))), grade=entry.get("grade"))
        )
    for name in people(facts.get("students") or []):
        parts.append(say("story.student", who=name))
    for name in people(facts.get("unemployed") or []):
        parts.append(say("story.unemployed", who=name))
    if facts.get("parents_unable") is True:
        parts.append(say("story.parents_unable"))
    event = facts.get("hardship_event")
    events: dict[str, str] = say.raw("story.event")
    if event in events:
        parts.append(events[event])
    parts += _money(ctx, facts)
    programs = [p for p in facts.get("programs") or [] if p in load_catalog().programs]
    if programs:
        names = "、".join(load_catalog().programs[p].short_name for p in programs)
        parts.append(say("story.programs", names=names))
    left = callback_of(ctx.text)
    if left is not None:
        parts.append(say("callback.in_story", who=left.who, phone=mask_phone(left.phone)))
    if not parts:
        return say("story.understood_hardship")
    if applicant != "self" and not parts[0].startswith(who["self"]):
        parts[0] = who["self"] + parts[0]  # "您父亲一个人生活，…"
    return say("story.understood", facts="，".join(parts))


def _money(ctx: TurnContext, facts: dict[str, Any]) -> list[str]:
    say = ctx.texts
    parts: list[str] = []
    income = facts.get("monthly_income")
    if income == 0:
        parts.append(say("story.no_income"))
    elif isinstance(income, Range):
        parts.append(say("story.income_range", low=income.low, high=income.high))
    elif _amount(income):
        parts.append(say("story.income", amount=_amount(income)))
    for key, text in (
        ("medical", "story.medical"),
        ("one_off_cost", "story.one_off"),
        ("one_off_income", "story.one_off_income"),
    ):
        if _amount(facts.get(key)):
            parts.append(say(text, amount=_amount(facts.get(key))))
    if _amount(facts.get("debt")):
        parts.append(say("story.debt", amount=_amount(facts.get("debt"))))
    deposits = facts.get("deposits")
    if deposits == 0:
        parts.append(say("story.no_deposits"))
    elif isinstance(deposits, Range):
        parts.append(say("story.deposits_range", low=deposits.low, high=deposits.high))
    elif _amount(deposits):
        parts.append(say("story.deposits", amount=_amount(deposits)))
    for key in ("vehicles", "houses"):
        count = facts.get(key)
        if isinstance(count, int) and not isinstance(count, bool):
            parts.append(say(f"story.{key}", n=count) if count else say(f"story.no_{key}"))
    return parts


def _tells_a_loss(text: str) -> bool:
    """A death told ("老头走了", "去世了"): a household of one said with it is no account
    to say back ("一个人生活"), but someone left alone."""
    from nlu.finders._words import words

    return any(word in text for word in words("members")["deceased"])
