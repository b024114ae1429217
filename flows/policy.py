"""Policy answers: any program × aspect, from the catalog and the region's dated standards.

The program may come from this message ("低保要什么材料") or from the conversation
("那要带什么材料？" after talking about 低保). Nothing is made up: an aspect the
catalog lacks sends the user to screening or a person. Every answer names the
documents (and their dates) its facts come from.

A question is only ever answered with the figures of the program it is about: a
message naming several programs ("低保和特困哪个钱多") gets an answer for each, and
the program of the conversation is used only when the message names none and seems to
name no other either — "那个补贴有多少" after talking about 低保 asks which program is
meant rather than answering with 低保's figures (after 残疾人两项补贴 it is that one).
A question about what one program's recipients get for something ("低保户看病") goes to
the program of that something (医疗救助), never to the recipients' program.

Figures are those in force on the date asked ("2022年的时候", "以前"), said with their
dates; a date the region ships no figure for is said so. Figures a rule computes from
the standards (the 低保边缘 income limit) are computed by that rule and shown with it.

A short follow-up of a policy answer ("那农村的呢", "那低保呢", "要多久") is answered
in its context for ``FOLLOW_UP_TURNS`` turns (``PolicyAnswerFlow.claims``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from base.messages import BotReply, Button
from flows.base import Flow, TurnContext
from flows.story import account_facts, remember_story, told_before
from flows.texts import texts
from policies.catalog import Catalog, Program, load_catalog
from policies.engine import load_rules
from policies.regions import DatedValue, Region, Series, load_region, monthly

ASPECTS: dict[str, str] = {
    "ask_policy": "what",
    "ask_eligibility": "eligibility",
    "ask_materials": "materials",
    "ask_process": "process",
    "ask_amount": "amount",
}
INTENT_OF = {aspect: intent for intent, aspect in ASPECTS.items()}
# Aspects read from the question's words only; their buttons ask the nearest intent.
WORD_ASPECTS = {
    "where": "ask_process",
    "timing": "ask_process",
    "contact": "ask_process",
    "frequency": "ask_policy",
    "withdraw": "ask_amount",
}
BUTTON_ASPECTS = ("eligibility", "materials", "process", "amount")
MAX_PROGRAMS = 3  # programs answered for in one turn
MAX_ASPECTS = 2  # "要么子手续到哪里去搞": what to bring and where, no more
# Words that name some program even when the NLU did not recognise which one.
_PROGRAM_WORDS = re.compile(r"保|救助|求助|补贴|补助|供养|孤儿|残疾|救济|帮扶|岗位|廉租|公租|危房")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
CONTEXT = "_policy_context"  # session slot: program and aspect of the last policy answer
FOLLOW_UP_TURNS = 2  # a follow-up may come this many messages after the answer
FOLLOW_UP_WITHIN = dt.timedelta(minutes=30)
# A message read as a policy question by its words (``claims``) stops being one past this.
QUESTION_CHARS = 80
ACCOUNT_FACTS = 2  # facts of the household that make a follow-up an account (flows.story)
SURE = 0.8  # the NLU this sure of another service keeps the message from policy
WEAK_INTENTS = ("inform", "out_of_scope", "self_screening", "deny", "affirm")
# A message of these intents asks the last answer's aspect again ("那农村的呢": how much).
CARRY_ASPECT = ("inform", "out_of_scope", "deny", "affirm")


def payload(intent: str, program: str) -> str:
    """A Rasa-style payload naming the intent and the program: /ask_amount{"program":"dibao"}."""
    return f"/{intent}{json.dumps({'program': program}, separators=(',', ':'))}"


def _words() -> dict[str, Any]:
    return {
        key: texts().raw(f"policy_words.{key}")
        for key in (
            "subjects",
            "statuses",
            "status_suffixes",
            "aspects",
            "residences",
            "before",
            "relative_years",
            "follow_up_chars",
            "told_not_asked",
            "annual_review",
            "single_member",
            "eligibility_words",
        )
    }


@dataclass(frozen=True)
class When:
    """The date a figure is asked for: a year, or (year None) the figures before today's."""

    year: int | None = None

    def says(self) -> str:
        return f"{self.year}年" if self.year is not None else "以前"


@dataclass
class Question:
    programs: list[str]
    aspects: list[str]
    residence: str | None = None
    when: When | None = None
    via: str | None = None  # the recipients' program of "低保户看病"
    recipients: str = ""  # the recipients as named (低保户)
    subject: str = ""  # what it is for ("看病")
    cued: bool = False  # the words said what is asked (在哪里申请, 要多久, 电话)
    places: list[str] = field(default_factory=list)


class PolicyAnswerFlow(Flow):
    name = "policy"
    intents = tuple(ASPECTS)
    digression = True

    def claims(self, ctx: TurnContext) -> bool:
        """Whether an idle message the NLU could not place is a policy question: a short
        follow-up of the last policy answer ("那农村的呢"), or a question about a named
        program in words ("…低保在哪里申请", "五保要么子手续") that would otherwise be
        read as an account of the household."""
        if ctx.payload is not None:
            return False
        parse = ctx.parse
        sure = parse.confidence >= SURE
        if sure and parse.intent not in ASPECTS and parse.intent not in WEAK_INTENTS:
            return False  # clearly another service ("我要申请")
        words = _words()
        if _asks_single(ctx, words):
            return True  # "能不能只给他一个人办低保": 单人保, even told with the household
        context = recent_context(ctx)
        question = read_question(ctx, load_catalog(), words, context)
        text = parse.normalized or ctx.text
        if len(text) <= QUESTION_CHARS:
            if question.via is not None:
                return True  # "低保户的娃读大学有什么补助"
            asked = question.cued and bool(question.programs)
            if asked and not (sure and parse.intent == "self_screening"):
                return True  # "…五保要么子手续到哪里去搞"
        if context is None or len(text) > int(words["follow_up_chars"]):
            return False
        if not question.cued and not question.via and _tells_household(ctx):
            return False  # "我 74岁 了 一个人 住 在 村里 老伴 走了": an account, not "那农村的呢"
        top = parse.ranking[0][0] if parse.ranking else parse.intent
        named = bool(ctx.parse.all("program"))
        return bool(
            top in ASPECTS
            or question.cued
            or question.residence
            or question.when
            or named
            or question.via
        )

    def asked(self, ctx: TurnContext) -> Question | None:
        """A clear question about a named program, whatever else the message says
        ("伢子我先接到我屋里住了 这种情况能办那个孤儿的补助不 要么子材料"): the question,
        with whether it qualifies asked first when its words say so. None otherwise.
        For a message told while an emergency is open: answered, not only noted."""
        if ctx.payload is not None:
            return None
        catalog = load_catalog()
        words = _words()
        named = [p for p in ctx.parse.all("program") if p in catalog.programs]
        single = _asks_single(ctx, words)
        if not named and not single:
            return None
        question = read_question(ctx, catalog, words, None)
        top = ctx.parse.ranking[0][0] if ctx.parse.ranking else ctx.parse.intent
        qualifies = _says_any(ctx, words["eligibility_words"])
        if not (question.cued or qualifies or single or top in ASPECTS):
            return None
        if qualifies and "eligibility" not in question.aspects and not single:
            asked = [a for a in question.aspects if a != "what"]
            question.aspects = ["eligibility", *asked][:MAX_ASPECTS]
        return question

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        catalog = load_catalog()
        words = _words()
        question = read_question(ctx, catalog, words, recent_context(ctx))
        return await self.reply(ctx, question)

    async def reply(self, ctx: TurnContext, question: Question) -> list[BotReply]:
        """The answer to ``question`` (``read_question`` or ``asked``)."""
        catalog = load_catalog()
        if ctx.payload is None and _says_any(ctx, _words()["annual_review"]):
            return [_annual_review(ctx, catalog, question)]
        if not question.programs:
            return [self._choose_program(ctx, catalog, question.aspects[0])]
        named = question.programs[:MAX_PROGRAMS]
        if _asks_together(ctx, named):
            return [BotReply(ctx.texts("policy.together_tekun_dibao"))]
        ctx.session.slots["program"] = named[-1] if len(named) == 1 else named[0]
        ctx.session.slots[CONTEXT] = {
            "program": ctx.session.slots["program"],
            "aspect": question.aspects[0],
            "at": dt.datetime.now(dt.UTC).isoformat(),
        }
        region = load_region(ctx.services.region)
        today = dt.date.today()
        replies: list[BotReply] = []
        for program_id in named:
            for aspect in question.aspects:
                replies.append(
                    answer(ctx, catalog.programs[program_id], aspect, region, today, question)
                )
        return replies

    def _choose_program(self, ctx: TurnContext, catalog: Catalog, aspect: str) -> BotReply:
        programs = list(catalog.programs.values())
        intent = INTENT_OF.get(aspect) or WORD_ASPECTS.get(aspect, "ask_policy")
        buttons = tuple(Button(p.short_name, payload(intent, p.id)) for p in programs)
        if aspect == "what":
            return BotReply(ctx.texts("policy.list", programs=programs), buttons)
        return BotReply(ctx.texts("policy.which_program"), buttons)


def recent_context(ctx: TurnContext) -> dict[str, Any] | None:
    """The last policy answer's program and aspect, if it was one of the last
    ``FOLLOW_UP_TURNS`` turns and not long ago."""
    context = ctx.session.slots.get(CONTEXT)
    if not isinstance(context, dict):
        return None
    try:
        at = dt.datetime.fromisoformat(str(context.get("at")))
    except ValueError:
        return None
    if dt.datetime.now(dt.UTC) - at > FOLLOW_UP_WITHIN:
        return None
    since = sum(1 for turn in ctx.session.history if turn.at > at)  # the answer's own turn too
    return context if since <= FOLLOW_UP_TURNS else None


def _asks_by(text: str, cue: str, told: Any) -> bool:
    """Whether ``cue`` stands in ``text`` as a question: once at least not followed by a
    word that makes it a fact told ("好久没回" is no "要好久")."""
    at = text.find(cue)
    while at >= 0:
        if not any(text.startswith(word, at + len(cue)) for word in told):
            return True
        at = text.find(cue, at + 1)
    return False


def read_question(
    ctx: TurnContext, catalog: Catalog, words: dict[str, Any], context: dict[str, Any] | None
) -> Question:
    """Which programs, which aspects, town or village, which date the message asks about."""
    text = ctx.parse.normalized or ctx.text
    named = list(dict.fromkeys(p for p in ctx.parse.all("program") if p in catalog.programs))
    question = Question(programs=named, aspects=[])
    question.residence = _only_key(text, words["residences"])
    question.when = _when(text, words)
    question.places = [str(p) for p in ctx.parse.all("place")]

    # "低保户看病": the program of what it is for, for the recipients' program.
    subjects = {
        program: word
        for program, found in words["subjects"].items()
        for word in found
        if word in text
    }
    statuses = set(words["statuses"])
    if subjects and ctx.payload is None:
        recipients = {p: _as_status(ctx, p, words) for p in named if p in statuses}
        if len(named) == len([said for said in recipients.values() if said]):
            question.programs = [p for p in subjects if p in catalog.programs]
            if recipients:
                question.via, question.recipients = next(iter(recipients.items()))
            question.subject = next(iter(subjects.values()))

    remembered = ctx.session.slots.get("program")
    if context is not None:
        remembered = context.get("program", remembered)
    if (
        not question.programs
        and remembered in catalog.programs
        and not names_another_program(ctx, catalog.programs[remembered])
    ):
        question.programs = [remembered]

    # The aspects: the question's words, else the intent, else the last answer's.
    if ctx.payload is None:
        for aspect, cues in words["aspects"].items():
            if any(_asks_by(text, cue, words["told_not_asked"].get(aspect, ())) for cue in cues):
                question.cued = True
                found = ["materials", "where"] if aspect == "procedure" else [aspect]
                question.aspects += [a for a in found if a not in question.aspects]
    if not question.aspects:
        if ctx.parse.intent in ASPECTS:
            question.aspects = [ASPECTS[ctx.parse.intent]]
        elif question.when is not None:
            question.aspects = ["amount"]
        elif context is not None and context.get("aspect") and _carries(ctx):
            question.aspects = [str(context["aspect"])]
        else:
            question.aspects = ["what"]
    if question.when is not None and question.aspects == ["what"]:
        question.aspects = ["amount"]
    question.aspects = question.aspects[:MAX_ASPECTS]
    if ctx.payload is None and _asks_single(ctx, words):
        # "有没有单人保", "能不能只给他一个人办低保": 低保's rule for one member alone
        question.programs, question.aspects = ["dibao"], ["single"]
    return question


def _carries(ctx: TurnContext) -> bool:
    """A follow-up keeps the last answer's aspect ("那低保呢" after 五保's amounts) unless
    the NLU is sure it asks something else."""
    return ctx.parse.intent in CARRY_ASPECT or ctx.parse.confidence < SURE


def _asks_together(ctx: TurnContext, named: list[str]) -> bool:
    """ "特困跟低保能一起领吗": whether 特困 and 低保 are paid together."""
    if ctx.payload is not None or not {"tekun", "dibao"} <= set(named):
        return False
    text = (ctx.parse.normalized or ctx.text).replace(" ", "")
    typed = ctx.text.replace(" ", "")  # "两个 都 能 拿 吗": typed slowly
    words: list[str] = texts().raw("policy_words.together")
    return any(word in text or word in typed for word in words)


def _asks_single(ctx: TurnContext, words: dict[str, Any]) -> bool:
    """单人保: its words, about 低保 or no program ("能不能单独申请医疗救助" is not)."""
    named = {p for p in ctx.parse.all("program")}
    return _says_any(ctx, words["single_member"]) and named <= {"dibao"}


def asks_supporter(ctx: TurnContext) -> bool:
    """ "我爸在外面打工 一个月三四千 这样算有赡养人吗": whether a relative counts as a
    supporter — a supporter word and a question word (probeI W11)."""
    if ctx.payload is not None:
        return False
    return any(is_supporter_question(text) for text in {ctx.text, ctx.parse.normalized or ""})


def is_supporter_question(text: str) -> bool:
    """``asks_supporter`` on a text."""
    words = texts().raw("policy_words.supporter_words")
    asks = texts().raw("policy_words.supporter_asks")
    return any(w in text for w in words) and any(w in text for w in asks)


def _says_any(ctx: TurnContext, found: list[str]) -> bool:
    text = ctx.parse.normalized or ctx.text
    return any(word in text or word in ctx.text for word in found)


def _annual_review(ctx: TurnContext, catalog: Catalog, question: Question) -> BotReply:
    """The yearly review (年审) of a program one already receives: the quarterly check-in
    here, a paper form back to the village; never where to apply."""
    program = catalog.programs[
        next((p for p in question.programs if p in ("dibao", "tekun")), "dibao")
    ]
    buttons = (
        Button(ctx.texts("policy.button_checkin"), "/checkin"),
        Button(ctx.texts("policy.button_change"), "/report_change"),
        Button(ctx.texts("policy.button_person"), "/human_handoff"),
    )
    return BotReply(ctx.texts("policy.annual_review", p=program), buttons)


def _only_key(text: str, table: dict[str, list[str]]) -> str | None:
    """The one key whose words the text holds; None for none or several ("城市跟农村")."""
    keys = [key for key, found in table.items() if any(w in text for w in found)]
    return keys[0] if len(keys) == 1 else None


def _when(text: str, words: dict[str, Any]) -> When | None:
    year = _YEAR.search(text)
    if year is not None:
        return When(int(year.group(1)))
    for word, offset in words["relative_years"].items():
        if word in text and int(offset) != 0:
            return When(dt.date.today().year + int(offset))
    if any(word in text for word in words["before"]):
        return When(None)
    return None


def _as_status(ctx: TurnContext, program: str, words: dict[str, Any]) -> str:
    """The recipients of ``program`` as the message names them ("低保户", "五保老人"), or
    "" when it names the program itself."""
    short_name = load_catalog().programs[program].short_name
    for entity in ctx.parse.entities:
        if entity.entity != "program" or entity.value != program:
            continue
        said = ctx.text[entity.start : entity.end]
        after = ctx.text[entity.end : entity.end + 3]
        for suffix in words["status_suffixes"]:
            if said.endswith(suffix) or after.startswith(suffix):
                return f"{short_name}{suffix}"
    return ""


def elsewhere(ctx: TurnContext) -> BotReply | None:
    """A benefit named that is none of the programs here ("那个高龄补贴"): said plainly,
    with the village, the township and 12345 as where to ask (probeM R23)."""
    if ctx.payload is not None:
        return None
    said = ctx.text.replace(" ", "")
    named: dict[str, list[str]] = texts().raw("policy_words.elsewhere")
    for name, words in named.items():
        if any(word in said for word in words):
            return BotReply(ctx.texts("policy.elsewhere", name=name).strip())
    return None


def names_another_program(ctx: TurnContext, program: Program) -> bool:
    """Whether the message names some program in words the NLU did not place ("那个补贴")
    that are not words of ``program``'s own names (补贴 after 残疾人两项补贴 is that one)."""
    if ctx.payload is not None:
        return False
    words = set(_PROGRAM_WORDS.findall(ctx.parse.normalized or ctx.text))
    names = (program.name, program.short_name, *program.synonyms)
    return any(not any(word in name for name in names) for word in words)


def answer(
    ctx: TurnContext,
    program: Program,
    aspect: str,
    region: Region,
    today: dt.date,
    question: Question | None = None,
) -> BotReply:
    question = question or Question(programs=[program.id], aspects=[aspect])
    catalog = load_catalog()
    values: dict[str, Any] = {
        "p": program,
        "region": region.short_name,
        "place": "、".join(question.places),
    }
    if aspect == "amount":
        values["standards"] = local_standards(ctx, program, region, today, question)
        values["when"] = question.when.says() if question.when is not None else ""
    if aspect == "single":
        values["f"] = single_member_figures(ctx, region, today)
    if aspect == "eligibility":
        # An income limit is a condition, never an amount: 低保边缘 pays no cash, so its
        # "能领多少" answer carries no figure a resident could take for one.
        values["computed"] = computed_limits(ctx, program, region, today, question)
    facts = _facts_of(program, aspect)
    values["sources"] = [
        ctx.texts(
            "policy.source_line",
            title=catalog.source(source).title,
            date=catalog.source(source).date.isoformat(),
        )
        for source in dict.fromkeys(fact.source for fact in facts)
    ]
    text = ctx.texts(f"policy.{aspect}", **values)
    if question.via is not None and question.via in catalog.programs:
        via = ctx.texts(
            "policy.via",
            recipients=question.recipients,
            subject=question.subject,
            p=program,
            aspect=aspect,
        )
        text = f"{via}\n{text}"
    others = [a for a in BUTTON_ASPECTS if a != aspect]
    buttons = [
        Button(ctx.texts(f"policy.button_{a}"), payload(INTENT_OF[a], program.id)) for a in others
    ]
    buttons.append(Button(ctx.texts("policy.button_screening"), "/self_screening"))
    buttons.append(Button(ctx.texts("policy.button_apply"), "/apply"))
    return BotReply(text, tuple(buttons))


def _facts_of(program: Program, aspect: str) -> list[Any]:
    """The catalog facts an answer of that aspect shows, for citing their documents."""
    return {
        "what": [program.summary, program.department, *program.legal_basis, program.payment],
        "eligibility": program.eligibility,
        "materials": program.materials,
        "process": [*program.steps, program.where_to_apply],
        "where": [program.where_to_apply, program.steps[0]],
        "timing": program.steps,
        "amount": [program.payment],
        "contact": [],
        "frequency": [program.summary, program.where_to_apply],
        "withdraw": [program.payment],
        "single": [program.single_member] if program.single_member else program.eligibility,
    }[aspect]


def _tells_household(ctx: TurnContext) -> bool:
    """Whether a short message after a policy answer tells the writer's own household —
    two facts or more besides the program ("我七十四了 一个人住村里", "屋里就我一个 六十八咯
    住乡下"): an account to say back and screen, never the last card again."""
    facts = account_facts(ctx, ctx.text)
    told = [
        k
        for k, v in facts.items()
        if k not in ("programs", "name_hint", "approx") and v not in (None, [])
    ]
    return len(told) >= ACCOUNT_FACTS


def single_member_figures(
    ctx: TurnContext, region: Region, today: dt.date
) -> dict[str, Any] | None:
    """The household figures a 单人保 question told (this message, else the account told
    just before it): size, income, town or village — with the 低保 standard and the
    低保边缘 limit (its rule's 1.5×) they are held against. None when one is missing."""
    facts = account_facts(ctx, ctx.text)
    earlier = told_before(ctx)
    if earlier and earlier != ctx.text:
        facts = {**account_facts(ctx, earlier), **{k: v for k, v in facts.items() if v}}
    elif facts.get("household_size") or facts.get("monthly_income") is not None:
        remember_story(ctx, ctx.text)  # the household told here: screening starts from it
    size = facts.get("household_size") or len(facts.get("ages") or []) or None
    income = facts.get("monthly_income")
    residence = facts.get("residence")
    parameter = region.parameters.get("dibao_standard")
    if not size or residence not in ("urban", "rural") or parameter is None:
        return None
    if not isinstance(income, int | float) or isinstance(income, bool):
        return None  # a range or nothing said: the screening works it out
    series = parameter.series[residence]
    dated = series.at(today)
    if dated is None:
        return None
    standard = monthly(series.unit, dated.value)
    edge = load_rules().fact_value("edge_limit", {"dibao_standard": standard})
    deducted = sum(
        float(facts.get(key) or 0) for key in ("medical", "education") if _number(facts.get(key))
    )
    per_capita = round(max(float(income) - deducted, 0) / int(size), 2)
    severe = any((entry or {}).get("grade") in (1, 2) for entry in facts.get("disabled") or [])
    names: dict[str, str] = ctx.texts.raw("policy.residence_names")
    return {
        "members": int(size),
        "income": f"{float(income):g}",
        "deducted": f"{deducted:g}" if deducted else "",
        "per_capita": f"{per_capita:g}",
        "residence": names[residence],
        "standard": f"{standard:g}",
        "edge": f"{edge:g}",
        "below_standard": per_capita < standard,
        "below_edge": per_capita < edge,
        "ill": bool(facts.get("ill")) or severe,
    }


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _residences(parameter_by_residence: bool, question: Question) -> tuple[str, ...]:
    if not parameter_by_residence:
        return ("",)
    if question.residence is not None:
        return (question.residence,)
    return ("urban", "rural")


def _in_year(series: Series, year: int) -> list[tuple[DatedValue, dt.date | None]]:
    """The values in force at some time in ``year``, each with its last day (None: still)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found: list[tuple[DatedValue, dt.date | None]] = []
    for index, dated in enumerate(series.values):
        following = series.values[index + 1] if index + 1 < len(series.values) else None
        until = following.start - dt.timedelta(days=1) if following else None
        if dated.start <= last and (until is None or until >= first):
            found.append((dated, until))
    return found


def _periods(
    series: Series, today: dt.date, when: When | None
) -> list[tuple[DatedValue, dt.date | None]]:
    """The dated values answering the question, each with its last day (None: in force)."""
    if when is not None and when.year is not None:
        return _in_year(series, when.year)
    current = series.at(today)
    if current is None:
        return []
    index = series.values.index(current)
    if when is not None:  # "以前": the one before today's
        if index == 0:
            return []
        return [(series.values[index - 1], current.start - dt.timedelta(days=1))]
    return [(current, None)]


def local_standards(
    ctx: TurnContext,
    program: Program,
    region: Region,
    today: dt.date,
    question: Question | None = None,
) -> list[str]:
    """The region's figures for this program on the date asked, each with its source."""
    question = question or Question(programs=[program.id], aspects=["amount"])
    lines: list[str] = []
    parameters: dict[str, list[str]] = ctx.texts.raw("policy.amount_parameters")
    residence_names: dict[str, str] = ctx.texts.raw("policy.residence_names")
    for name in parameters.get(program.id, []):
        parameter = region.parameters.get(name)
        if parameter is None:
            continue  # the region ships no figure: say nothing rather than guess
        for residence in _residences(parameter.by_residence, question):
            series = parameter.series[residence]
            periods = _periods(series, today, question.when)
            if not periods:
                lines.append(
                    ctx.texts(
                        "policy.standard_unknown",
                        region=region.short_name,
                        residence=residence_names[residence],
                        label=parameter.label,
                        when=question.when.says() if question.when else "",
                        earliest=series.values[0].start.isoformat(),
                    )
                )
                continue
            current = series.at(today)
            for dated, until in periods:
                before = None
                if question.when is None and current is not None:
                    index = series.values.index(current)
                    before = series.values[index - 1] if index > 0 else None
                lines.append(
                    ctx.texts(
                        "policy.standard_line",
                        region=region.short_name,
                        residence=residence_names[residence],
                        label=parameter.label,
                        value=f"{dated.value:g}",
                        unit=series.unit,
                        monthly=monthly(series.unit, dated.value),
                        since=dated.start.isoformat(),
                        until=until.isoformat() if until else "",
                        source=dated.source.title,
                        example=dated.example,
                        before=f"{before.value:g}" if before else "",
                        before_until=(current.start - dt.timedelta(days=1)).isoformat()
                        if before and current
                        else "",
                    )
                )
    return lines


def computed_limits(
    ctx: TurnContext, program: Program, region: Region, today: dt.date, question: Question
) -> list[str]:
    """Figures a screening rule computes from the region's standards (低保边缘: 1.5 × the
    低保 standard), by that rule, on the date asked, with the rule said."""
    lines: list[str] = []
    rules = load_rules()
    residence_names: dict[str, str] = ctx.texts.raw("policy.residence_names")
    for item in ctx.texts.raw("policy.computed").get(program.id, []):
        parameter = region.parameters.get(item["parameter"])
        if parameter is None:
            continue
        for residence in _residences(parameter.by_residence, question):
            series = parameter.series[residence]
            for dated, until in _periods(series, today, question.when):
                base = monthly(series.unit, dated.value)
                value = rules.fact_value(item["fact"], {item["parameter"]: base})
                lines.append(
                    ctx.texts(
                        "policy.computed_line",
                        region=region.short_name,
                        residence=residence_names[residence],
                        label=item["label"],
                        value=f"{value:g}",
                        rule=item["rule"],
                        base=f"{base:g}",
                        base_label=parameter.label,
                        since=dated.start.isoformat(),
                        until=until.isoformat() if until else "",
                        source=dated.source.title,
                    )
                )
    return lines
